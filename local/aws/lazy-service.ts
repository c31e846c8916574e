import type { ServerResponse } from 'node:http';
import type { AwsError, LocalService, ServiceRequest, ServiceTraits } from './service.js';

const LAZY = Symbol('lazy service');

/** A service the endpoint loads on its first request (or when asked), behind its traits. */
export interface LazyService extends LocalService {
  /** Marks a lazy service (isLazyService). */
  readonly [LAZY]: true;
  /** The service once loaded (undefined before). */
  loaded(): LocalService | undefined;
  /** Loads the service (once; every caller gets the same one). */
  load(): Promise<LocalService>;
}

/** Whether a service of the endpoint is a lazy one (made by createLazyService). */
export function isLazyService(service: LocalService): service is LazyService {
  return LAZY in service;
}

/**
 * Wraps a service's loader as a LocalService: the endpoint routes and authenticates with its
 * traits, and the first request it hands over (or the first `load()`) loads the code and opens
 * the storage. Once loaded, requests go straight to it, so only the first one pays.
 */
export function createLazyService(traits: ServiceTraits, loader: () => Promise<LocalService>): LazyService {
  let service: LocalService | undefined;
  let loading: Promise<LocalService> | undefined;
  let closed = false;
  const load = (): Promise<LocalService> => {
    if (closed) return Promise.reject(new Error(`Expected an open endpoint, but it was closed before ${traits.name} was loaded`));
    loading ??= loader().then(
      (loadedService) => (service = loadedService),
      (error: unknown) => {
        loading = undefined;
        throw new Error(`Expected to load the local ${traits.name} service`, { cause: error });
      },
    );
    return loading;
  };
  return {
    ...traits,
    [LAZY]: true,
    loaded: () => service,
    operationOf: (request) => service?.operationOf(request) ?? 'Unknown',
    load,
    handle(request: ServiceRequest, res: ServerResponse): Promise<void> {
      if (service) return service.handle(request, res);
      return load().then((loadedService) => loadedService.handle(request, res));
    },
    sendError(request, res, error: AwsError): void {
      if (service) {
        service.sendError(request, res, error);
        return;
      }
      // An error before the service was ever needed (a bad signature, say): it renders errors
      // in its own format, so load it first; if even that fails, a bare 500.
      load().then(
        (loadedService) => loadedService.sendError(request, res, error),
        () => {
          if (res.headersSent) res.destroy();
          else res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal error');
        },
      );
    },
    async close() {
      closed = true;
      const pending = loading;
      if (!pending) return;
      const loadedService = await pending.catch(() => undefined);
      await loadedService?.close();
    },
  };
}
