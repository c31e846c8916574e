/** Requests by service and operation, read from the fault layer's counts, and what they cost. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFaultClient, type FaultStats } from '../../local/index.js';
import type { LocalJson } from '../../local/local-json.js';
import { REPO } from '../jobs/runtime.js';
import { priceOfApiRequest, priceOfInvocation, priceOfRequest } from './prices.js';

/** Requests per `service:Operation`. */
export type RequestTally = Record<string, number>;

/**
 * Reads the endpoint's request counts. With the latency profile on, every S3, DynamoDB and
 * Lambda request matches exactly one of its rules, so the fault layer counts each (the
 * backend's, the runner's and the clients' presigned reads alike), by its AWS API name.
 */
export function createRequestReader(config: LocalJson): () => Promise<FaultStats['byOperation']> {
  const faults = createFaultClient({
    endpoint: config.awsEndpoint,
    region: config.region,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
  });
  return async () => (await faults.get()).stats.byOperation;
}

/** The requests made between two readings, divided by `jobs`. */
export function tallyBetween(before: FaultStats['byOperation'], after: FaultStats['byOperation'], jobs: number): RequestTally {
  const tally: RequestTally = {};
  for (const [name, counts] of Object.entries(after)) {
    const made = counts.matched - (before[name]?.matched ?? 0);
    if (made > 0) tally[name] = made / jobs;
  }
  return tally;
}

/** What a client did at the API (through API Gateway) and at storage (presigned S3 reads). */
export interface ClientCounts {
  api: number;
  storage: number;
  /** Milliseconds the API requests took in all, at the client (an upper bound of the API function's duration). */
  apiMs: number;
}

/** A fetch that counts (and times) the requests to the API and to storage. */
export function createCountingFetch(apiUrl: string, counts: ClientCounts): (input: string, init?: RequestInit) => Promise<Response> {
  return async (input, init) => {
    if (!input.startsWith(apiUrl)) {
      counts.storage += 1;
      return globalThis.fetch(input, init);
    }
    counts.api += 1;
    const started = performance.now();
    try {
      const answer = await globalThis.fetch(input, init);
      await answer.clone().arrayBuffer();
      return answer;
    } finally {
      counts.apiMs += performance.now() - started;
    }
  };
}

/** The functions' memory (infra.yaml's memory=${PROJECT_MEMORY_MB}, from env.sh.template). */
export function readFunctionMemoryMb(): number {
  const template = readFileSync(join(REPO, 'env.sh.template'), 'utf8');
  const match = /PROJECT_MEMORY_MB=(\d+)/.exec(template);
  if (!match) throw new Error('Expected PROJECT_MEMORY_MB in env.sh.template');
  return Number(match[1]);
}

/** What one job costs, in dollars, by what it pays for. */
export interface JobCost {
  apiGateway: number;
  lambda: number;
  s3: number;
  dynamodb: number;
  total: number;
}

/**
 * Prices one job: its endpoint requests (S3, DynamoDB), its API Gateway requests, and its
 * Lambda invocations — one of the API function per API request (`apiSeconds` each) and one of
 * the runner per Event invoke (`jobSeconds` each).
 */
export function priceJob(tally: RequestTally, api: { requests: number; seconds: number }, jobSeconds: number, memoryMb: number): JobCost {
  let s3 = 0;
  let dynamodb = 0;
  for (const [name, count] of Object.entries(tally)) {
    if (name.startsWith('s3:')) s3 += count * priceOfRequest(name);
    else if (name.startsWith('dynamodb:')) dynamodb += count * priceOfRequest(name);
  }
  const apiGateway = api.requests * priceOfApiRequest();
  const lambda = api.requests * priceOfInvocation(api.seconds, memoryMb) + (tally['lambda:Invoke'] ?? 0) * priceOfInvocation(jobSeconds, memoryMb);
  return { apiGateway, lambda, s3, dynamodb, total: apiGateway + lambda + s3 + dynamodb };
}

/** `S3 GetObject 12, DynamoDB UpdateItem 2, …` with service names as AWS bills them. */
export function describeTally(tally: RequestTally, apiRequests: number): string {
  const service = { s3: 'S3', dynamodb: 'DynamoDB', lambda: 'Lambda', sqs: 'SQS' } as Record<string, string>;
  const parts = Object.entries(tally)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, count]) => {
      const [svc = '', operation] = name.split(':');
      return `${service[svc] ?? svc} ${operation} ${formatCount(count)}`;
    });
  return [`API Gateway ${formatCount(apiRequests)}`, ...parts].join(', ');
}

function formatCount(count: number): string {
  return Number.isInteger(count) ? String(count) : count.toFixed(1);
}
