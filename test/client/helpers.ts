import { createClient } from '../../client/index.js';
import type { AwsExecClient, ClientOptions } from '../../client/index.js';
import type { FakeServer } from './fake-server.js';

/** A client of the fake server with fast polls and retries, so tests run quickly. */
export function createTestClient(server: FakeServer, overrides: Partial<ClientOptions> = {}): AwsExecClient {
  return createClient({
    url: server.url,
    auth: server.auth,
    retry: { retries: 3, minDelayMs: 1, maxDelayMs: 10 },
    poll: { minDelayMs: 2, maxDelayMs: 25 },
    ...overrides,
  });
}

/** Decodes bytes as UTF-8 (for readable assertions). */
export function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}
