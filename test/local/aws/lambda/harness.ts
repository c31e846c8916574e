// Starts a real endpoint on 127.0.0.1 serving only the Lambda service, for the Lambda tests.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { generateCredentials } from '../../../../local/aws/credentials.js';
import { createLambdaService, type LambdaService, type LambdaServiceOptions } from '../../../../local/aws/lambda/index.js';
import { startEndpoint, type Endpoint } from '../../../../local/aws/server.js';
import type { Credentials } from '../../../../local/aws/sigv4.js';

/** Absolute path of a fixture handler module in this folder. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`./${name}`, import.meta.url));
}

export interface LambdaHarness {
  endpoint: Endpoint;
  lambda: LambdaService;
  credentials: Credentials;
  region: string;
  /** Every line the workers printed, as written to the runtime's output. */
  output: { stdout: string[]; stderr: string[] };
  client(overrides?: Partial<ConstructorParameters<typeof LambdaClient>[0]>): LambdaClient;
  close(): Promise<void>;
}

/** Starts the endpoint with a Lambda service whose timings the test may shorten. */
export async function startLambdaHarness(
  options: Partial<Pick<LambdaServiceOptions, 'idleTimeoutMs' | 'surplusIdleTimeoutMs' | 'initTimeoutMs' | 'retryDelaysMs'>> = {},
): Promise<LambdaHarness> {
  const credentials = generateCredentials();
  const region = 'us-east-1';
  const output = { stdout: [] as string[], stderr: [] as string[] };
  let url = '';
  const lambda = createLambdaService({
    region,
    credentials,
    endpointUrl: () => url,
    writeOutput: (stream, text) => output[stream].push(...text.split('\n').filter((line) => line !== '')),
    logError: () => {},
    ...options,
  });
  const endpoint = await startEndpoint({ host: '127.0.0.1', port: 0, credentials: [credentials], services: [lambda] });
  url = endpoint.url;
  const clients: LambdaClient[] = [];
  return {
    endpoint,
    lambda,
    credentials,
    region,
    output,
    client(overrides = {}) {
      const client = new LambdaClient({ endpoint: endpoint.url, region, credentials, maxAttempts: 1, ...overrides });
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.destroy();
      await endpoint.close();
    },
  };
}

/** A fresh temporary directory. */
export function makeTempDir(prefix = 'lambda-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | undefined,
  timeoutMs = 10_000,
  what: string | (() => string) = 'the condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Reads a file, or returns undefined while it does not exist or is empty. */
export function readIfPresent(path: string): string | undefined {
  try {
    const text = readFileSync(path, 'utf8');
    return text === '' ? undefined : text;
  } catch {
    return undefined;
  }
}

/** Decodes an SDK Invoke payload as JSON. */
export function decodePayload(payload: Uint8Array | undefined): unknown {
  return JSON.parse(Buffer.from(payload ?? new Uint8Array()).toString('utf8'));
}
