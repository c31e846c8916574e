// Starts a real endpoint on 127.0.0.1 with the local SQS and SNS (SigV4 verified, persisted), and
// SDK v3 clients for both.
import { SNSClient, type SNSClientConfig } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { generateCredentials } from '../../../../local/aws/credentials.js';
import type { LambdaService } from '../../../../local/aws/lambda/index.js';
import { startEndpoint, type Endpoint } from '../../../../local/aws/server.js';
import type { Credentials } from '../../../../local/aws/sigv4.js';
import { createSnsService, type SnsService } from '../../../../local/aws/sns/index.js';
import { createSqsService, type SqsService } from '../../../../local/aws/sqs/index.js';

export { makeTempDir, sleep, uniqueQueueName } from '../sqs/servers.js';

export const REGION = 'us-east-1';

/** Our endpoint with SQS and SNS, and clients for them. */
export interface OurSnsTarget {
  url: string;
  port: number;
  credentials: Credentials;
  dataDir: string;
  endpoint: Endpoint;
  sns: SNSClient;
  sqs: SQSClient;
  snsService: SnsService;
  sqsService: SqsService;
  /** Errors the services reported (deliveries dropped, …). */
  errors: string[];
  snsWith(overrides: Partial<SNSClientConfig>): SNSClient;
  close(): Promise<void>;
}

/** Starts our endpoint with SQS and SNS on `dataDir` (a free port unless given). */
export async function startOurSns(
  dataDir: string,
  options: { credentials?: Credentials; port?: number; now?: () => number; lambda?: () => Pick<LambdaService, 'invoke'> } = {},
): Promise<OurSnsTarget> {
  const credentials = options.credentials ?? generateCredentials();
  const errors: string[] = [];
  const logError = (message: string, error: unknown) => errors.push(`${message}${error instanceof Error ? `: ${error.message}` : ''}`);
  let url = '';
  const sqsService = createSqsService({ dataDir: `${dataDir}/sqs`, region: REGION, endpointUrl: () => url, logError });
  const snsService = createSnsService({
    dataDir: `${dataDir}/sns`,
    region: REGION,
    endpointUrl: () => url,
    sqs: () => sqsService,
    lambda:
      options.lambda ??
      (() => ({
        invoke: () => Promise.reject(new Error('no Lambda service in this test endpoint')),
      })),
    logError,
    ...(options.now ? { now: options.now } : {}),
  });
  const endpoint = await startEndpoint({ host: '127.0.0.1', port: options.port ?? 0, credentials: [credentials], services: [sqsService, snsService], logError });
  url = endpoint.url;
  const common = { endpoint: endpoint.url, region: REGION, credentials, maxAttempts: 1 };
  const clients: Array<{ destroy(): void }> = [];
  const sns = new SNSClient(common);
  const sqs = new SQSClient(common);
  clients.push(sns, sqs);
  return {
    url: endpoint.url,
    port: endpoint.port,
    credentials,
    dataDir,
    endpoint,
    sns,
    sqs,
    snsService,
    sqsService,
    errors,
    snsWith(overrides) {
      const client = new SNSClient({ ...common, ...overrides });
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.destroy();
      await endpoint.close();
    },
  };
}
