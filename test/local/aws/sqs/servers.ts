import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { generateCredentials } from '../../../../local/aws/credentials.js';
import { startEndpoint, type Endpoint } from '../../../../local/aws/server.js';
import type { Credentials } from '../../../../local/aws/sigv4.js';
import { createSqsService, type SqsService } from '../../../../local/aws/sqs/index.js';

export const REGION = 'us-east-1';

/** A running SQS-compatible server and an SDK client pointed at it. */
export interface SqsTarget {
  url: string;
  credentials: Credentials;
  client: SQSClient;
  /** A client with other settings for the same server. */
  clientWith(overrides: Partial<SQSClientConfig>): SQSClient;
  close(): Promise<void>;
}

/** Our endpoint plus the handles the extras need. */
export interface OurSqsTarget extends SqsTarget {
  dataDir: string;
  service: SqsService;
  endpoint: Endpoint;
}

/** Creates an SDK client for a server at `url`; one attempt only, so that errors surface as they are. */
export function connectClient(url: string, credentials: Credentials, overrides: Partial<SQSClientConfig> = {}): SQSClient {
  return new SQSClient({ endpoint: url, region: REGION, credentials, maxAttempts: 1, ...overrides });
}

/** Creates a fresh temporary directory, removed by the returned cleanup. */
export function makeTempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts our endpoint with only the SQS service, on a free port, persisted in `dataDir`. */
export async function startOurSqs(
  dataDir: string,
  options: { credentials?: Credentials; now?: () => number; port?: number } = {},
): Promise<OurSqsTarget> {
  const credentials = options.credentials ?? generateCredentials();
  let url = '';
  const service = createSqsService({ dataDir, region: REGION, endpointUrl: () => url, ...(options.now ? { now: options.now } : {}) });
  const endpoint = await startEndpoint({ host: '127.0.0.1', port: options.port ?? 0, credentials: [credentials], services: [service] });
  url = endpoint.url;
  const client = connectClient(endpoint.url, credentials);
  return {
    url: endpoint.url,
    credentials,
    dataDir,
    service,
    endpoint,
    client,
    clientWith: (overrides) => connectClient(endpoint.url, credentials, overrides),
    async close() {
      client.destroy();
      await endpoint.close();
    },
  };
}

let counter = 0;

/** A queue name unique within the run (FIFO names end with .fifo). */
export function uniqueQueueName(label: string, fifo = false): string {
  counter++;
  return `${label}-${process.pid}-${counter}-${Date.now().toString(36)}${fifo ? '.fifo' : ''}`;
}

/** Sleeps `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
