import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, type AgentOptions } from 'node:http';
import type { LookupFunction } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { generateCredentials } from '../../../../local/aws/credentials.js';
import { createS3Service, type S3Service, type S3ServiceOptions } from '../../../../local/aws/s3/index.js';
import { startEndpoint, type Endpoint } from '../../../../local/aws/server.js';
import type { Credentials } from '../../../../local/aws/sigv4.js';

/** The region every test client signs for. */
export const REGION = 'us-east-1';

/** A running local endpoint serving only S3, on a temp data directory, for one test file. */
export interface S3TestEndpoint {
  endpoint: Endpoint;
  /** The S3 service behind the endpoint (for its lifecycle sweep). */
  service: S3Service;
  url: string;
  port: number;
  credentials: Credentials;
  dataDir: string;
  /** Unexpected failures the endpoint logged (must stay empty). */
  loggedErrors: unknown[];
  /** A path-style SDK client. */
  client(config?: Partial<S3ClientConfig>): S3Client;
  /** A virtual-hosted-style SDK client (`bucket.localhost:PORT`, resolved to 127.0.0.1 by its agent). */
  virtualHostClient(): S3Client;
  /** Stops the endpoint; `keepData` leaves the directory for a restart. */
  close(keepData?: boolean): Promise<void>;
}

/** Resolves every host name to 127.0.0.1, so `*.localhost` works whatever the system resolver says. */
export const lookupLoopback: LookupFunction = (_hostname, options, callback) => {
  if (typeof options === 'object' && options.all) {
    (callback as unknown as (error: null, addresses: { address: string; family: number }[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
  } else {
    callback(null, '127.0.0.1', 4);
  }
};

/** An HTTP agent whose lookup maps every name to 127.0.0.1. */
export function createLoopbackAgent(options: AgentOptions = {}): Agent {
  return new Agent({ keepAlive: true, ...options, lookup: lookupLoopback } as AgentOptions);
}

/** Starts the S3 service behind the real SigV4-verifying endpoint on 127.0.0.1:0. */
export async function startS3Endpoint(
  options: { dataDir?: string; credentials?: Credentials; service?: Partial<S3ServiceOptions> } = {},
): Promise<S3TestEndpoint> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'aws-exec-s3-'));
  const credentials = options.credentials ?? generateCredentials();
  const service = await createS3Service({ dataDir, region: REGION, ...options.service });
  const loggedErrors: unknown[] = [];
  const endpoint = await startEndpoint({
    host: '127.0.0.1',
    port: 0,
    credentials: [credentials],
    services: [service],
    logError: (_message, error) => loggedErrors.push(error),
  });
  const clients: S3Client[] = [];
  const track = (client: S3Client) => {
    clients.push(client);
    return client;
  };
  return {
    endpoint,
    service,
    url: endpoint.url,
    port: endpoint.port,
    credentials,
    dataDir,
    loggedErrors,
    client: (config = {}) =>
      track(new S3Client({ endpoint: endpoint.url, region: REGION, credentials, forcePathStyle: true, maxAttempts: 1, ...config })),
    virtualHostClient: () =>
      track(
        new S3Client({
          endpoint: `http://localhost:${endpoint.port}`,
          region: REGION,
          credentials,
          forcePathStyle: false,
          maxAttempts: 1,
          requestHandler: { httpAgent: createLoopbackAgent() },
        }),
      ),
    async close(keepData = false) {
      for (const client of clients) client.destroy();
      await endpoint.close();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
