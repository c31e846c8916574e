import { existsSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { closeServer } from '../listen.js';
import type { FaultInjector } from './faults/index.js';
import type { LocalIamService } from './iam/index.js';
import type { LocalFaults } from './index.js';
import type { LazyService } from './lazy-service.js';
import type { Endpoint } from './server.js';
import type { ServiceName } from './service.js';
import type { ServiceContext } from './services.js';
import type { Credentials } from './sigv4.js';

/** What the endpoint serves with, once it has loaded its code. */
export interface LazyEndpointSettings {
  /** A server already listening, with no request listener yet. */
  server: Server;
  host: string;
  port: number;
  dataDir: string;
  region: string;
  /** The account's own key pair; `extraCredentials` are accepted besides it. */
  credentials: Credentials;
  extraCredentials: readonly Credentials[];
  accountConcurrency?: number;
  logError: (message: string, error: unknown) => void;
  /** The wait before an async invoke's handler starts (the latency profile's; 0 without one). */
  eventStartDelayMs?: () => number;
}

/** The endpoint behind a listening server, loaded in parts as requests need them. */
export interface LazyEndpoint {
  /** Loads the local IAM (once). */
  loadIam(): Promise<LocalIamService>;
  /** Loads the fault layer (once): off until configured. */
  loadFaults(): Promise<LocalFaults>;
  /** The fault layer's injector itself (loading it once), for the latency profile's baseline. */
  loadFaultInjector(): Promise<FaultInjector>;
  /** Loads a service (and the endpoint's request handling, the first time). */
  loadService(name: ServiceName): Promise<unknown>;
  /** The services loaded so far. */
  loadedServices(): ServiceName[];
  close(): Promise<void>;
}

interface LoadedFaults {
  injector: FaultInjector;
  local: LocalFaults;
}

interface Started {
  endpoint: Endpoint;
  services: Map<ServiceName, LazyService>;
}

/**
 * Serves the local AWS endpoint on a server that already listens, loading nothing until it
 * must: the first request (or the first service asked for) loads the request handling
 * (SigV4, routing: ./server.ts) and the services' traits; each service's code and storage then
 * load on its own first request (./lazy-service.ts). Requests that come while this loads wait
 * and are then served in order.
 */
export function createLazyEndpoint(settings: LazyEndpointSettings): LazyEndpoint {
  const { server, dataDir } = settings;
  let iam: Promise<LocalIamService> | undefined;
  let iamLoaded: LocalIamService | undefined;
  let faults: Promise<LoadedFaults> | undefined;
  let started: Promise<Started> | undefined;
  let closing: Promise<void> | undefined;
  let servicesByName: Map<ServiceName, LazyService> | undefined;
  const waiting: [IncomingMessage, ServerResponse][] = [];

  const loadIam = (): Promise<LocalIamService> => {
    iam ??= import('./iam/index.js').then(({ createLocalIam }) => (iamLoaded = createLocalIam({ dataDir: join(dataDir, 'iam') })));
    return iam;
  };

  const loadFaults = (): Promise<LoadedFaults> => {
    faults ??= import('./faults/index.js').then(({ FaultInjector, NO_FAULTS, parseFaultConfig }) => {
      const injector = new FaultInjector(NO_FAULTS);
      const local: LocalFaults = {
        set: (config) => injector.set(parseFaultConfig(config, 'the fault configuration')),
        get: () => injector.get(),
        clear: () => injector.set(NO_FAULTS),
        stats: () => injector.stats(),
      };
      return { injector, local };
    });
    return faults;
  };

  const onFirstRequests = (req: IncomingMessage, res: ServerResponse) => {
    waiting.push([req, res]);
    start().catch((error: unknown) => {
      settings.logError('local aws: could not load the endpoint', error);
      for (const [, waitingRes] of waiting.splice(0)) {
        if (!waitingRes.headersSent) waitingRes.writeHead(500, { 'content-type': 'text/plain' }).end('Internal error');
      }
    });
  };
  server.on('request', onFirstRequests);

  const start = (): Promise<Started> => {
    if (closing) return Promise.reject(new Error('Expected an open endpoint, but it is closing'));
    started ??= loadEndpoint().catch((error: unknown) => {
      started = undefined;
      throw error;
    });
    return started;
  };

  async function loadEndpoint(): Promise<Started> {
    const [{ startEndpoint }, { SERVICE_ENTRIES }, { createLazyService }, { injector }] = await Promise.all([
      import('./server.js'),
      import('./services.js'),
      import('./lazy-service.js'),
      loadFaults(),
    ]);
    // Sessions an earlier run issued (to functions) are kept in iam/sessions.json: load IAM to know them.
    if (existsSync(join(dataDir, 'iam', 'sessions.json'))) await loadIam();
    const context: ServiceContext = {
      dataDir,
      region: settings.region,
      credentials: settings.credentials,
      endpointUrl: () => `http://${settings.host}:${settings.port}`,
      loadIam,
      loadService: (name) => {
        const service = services.get(name);
        if (!service) return Promise.reject(new Error(`Expected a service of the local endpoint, got ${name}`));
        return service.load();
      },
      ...(settings.accountConcurrency !== undefined ? { accountConcurrency: settings.accountConcurrency } : {}),
      ...(settings.eventStartDelayMs !== undefined ? { eventStartDelayMs: settings.eventStartDelayMs } : {}),
      logError: settings.logError,
    };
    const services = new Map(SERVICE_ENTRIES.map((entry) => [entry.traits.name, createLazyService(entry.traits, () => entry.load(context))] as const));
    servicesByName = services;
    // No await between taking the first listener off and startEndpoint putting its own on: no request is missed.
    server.off('request', onFirstRequests);
    const endpoint = await startEndpoint({
      host: settings.host,
      port: settings.port,
      credentials: [settings.credentials, ...settings.extraCredentials],
      // A temporary key is only ever issued by a loaded IAM (or persisted, and then loaded above).
      sessions: { findSession: (accessKeyId) => iamLoaded?.findSession(accessKeyId) },
      services: [...services.values()],
      faults: injector,
      logError: settings.logError,
      server,
    });
    for (const [req, res] of waiting.splice(0)) server.emit('request', req, res);
    return { endpoint, services };
  }

  return {
    loadIam,
    loadFaults: async () => (await loadFaults()).local,
    loadFaultInjector: async () => (await loadFaults()).injector,
    async loadService(name) {
      const service = (await start()).services.get(name);
      if (!service) throw new Error(`Expected a service of the local endpoint, got ${name}`);
      return service.load();
    },
    loadedServices() {
      return [...(servicesByName?.entries() ?? [])].filter(([, service]) => service.loaded() !== undefined).map(([name]) => name);
    },
    close() {
      closing ??= (async () => {
        const running = await started?.catch(() => undefined);
        if (running) await running.endpoint.close();
        else await closeServer(server);
      })();
      return closing;
    },
  };
}
