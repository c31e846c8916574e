import { registry } from '../../../cmd/index.js';
import type { AuthLookup } from '../../../backend/auth/lookup.js';
import type { KeyPrincipal } from '../../../backend/auth/principal.js';
import type { Config } from '../../../backend/config.js';
import { createApp } from '../../../backend/http/app.js';
import type { AppDeps } from '../../../backend/http/env.js';
import { silentLogger, type Logger } from '../../../backend/log.js';
import { createMemoryJobStore, createMemoryObjects, createMemoryRunningJobs, createMemoryShareStore, createRecordingInvoker, testConfig } from './fakes.js';

export const KEYS = { alice: 'alice-key', bob: 'bob-key' } as const;

/** A key with every right, as keys made before scopes. */
function fullKey(name: string): KeyPrincipal {
  return { kind: 'key', id: `auth.${name}`, hash: name, authName: name, scopes: undefined, scopeList: undefined, expiresAt: undefined, maxRunning: undefined };
}

/** The app over in-memory fakes, with two keys (alice, bob). */
export function createTestApp(options: { config?: Partial<Config>; fetch?: typeof fetch; logger?: Logger } = {}) {
  const jobs = createMemoryJobStore();
  const objects = createMemoryObjects();
  const invoker = createRecordingInvoker();
  const principals = new Map<string, KeyPrincipal>([
    [KEYS.alice, fullKey('alice')],
    [KEYS.bob, fullKey('bob')],
  ]);
  const auth: AuthLookup = {
    find: async (key) => principals.get(key),
    findName: async (key) => principals.get(key)?.authName,
    forgetRemoved: async (ids) => ({ forgotten: [...ids], stillPresent: [] }),
  };
  const deps: AppDeps = {
    config: testConfig(options.config),
    auth,
    shares: createMemoryShareStore(),
    runningJobs: createMemoryRunningJobs(),
    jobs,
    objects,
    invoker,
    registry,
    version: { name: 'aws-exec', version: '9.9.9' },
    fetch: options.fetch ?? fetch,
    logger: options.logger ?? silentLogger,
  };
  const app = createApp(deps);
  const call = (method: string, path: string, init: { key?: string | null; body?: unknown; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    const key = init.key === undefined ? KEYS.alice : init.key;
    if (key !== null) headers.auth = key;
    const body = init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    return app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
  };
  return { app, deps, jobs, objects, invoker, call };
}
