/** One timed listing, the scan the listing made before, and a burst of listings. */
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { LocalJson } from '../../local/local-json.js';
import { ListJobsResponse } from '../../protocol/index.js';

/** Milliseconds of one `GET /api/jobs` with the runtime's key; throws unless it lists `expected` jobs. */
export async function timeListing(config: LocalJson, expected: number): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${config.url}/api/jobs`, { headers: { auth: config.auth } });
  const text = await response.text();
  const elapsed = performance.now() - started;
  const parsed = ListJobsResponse.safeParse(JSON.parse(text));
  if (response.status !== 200 || !parsed.success || parsed.data.jobs.length !== expected) {
    throw new Error(`Expected ${expected} jobs from GET /api/jobs, got ${response.status}: ${text.slice(0, 200)}`);
  }
  return elapsed;
}

/**
 * Milliseconds of what the listing read before it used the index: a consistent Scan of the
 * whole table with its filter (backend/jobs/dynamo-store.ts scanJobs, before), page after
 * page, straight at the endpoint with the root key (no Lambda, no gateway).
 */
export async function timeScanListing(config: LocalJson, authName: string): Promise<number> {
  const ddb = new DynamoDBClient({
    endpoint: config.awsEndpoint,
    region: config.region,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
  });
  try {
    const started = performance.now();
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await ddb.send(
        new ScanCommand({
          TableName: config.jobsTable ?? config.table,
          FilterExpression: 'begins_with(id, :jobPrefix) AND #authName = :authName',
          ExpressionAttributeNames: { '#authName': 'auth-name' },
          ExpressionAttributeValues: { ':jobPrefix': { S: 'job.' }, ':authName': { S: authName } },
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return performance.now() - started;
  } finally {
    ddb.destroy();
  }
}

/** Sends `count` `GET /api/jobs` at once; resolves with how many answered each status. */
export async function burstListings(config: LocalJson, count: number): Promise<Map<number, number>> {
  const statuses = await Promise.all(
    Array.from({ length: count }, async () => {
      try {
        const response = await fetch(`${config.url}/api/jobs`, { headers: { auth: config.auth } });
        await response.arrayBuffer();
        return response.status;
      } catch {
        return 0;
      }
    }),
  );
  const counts = new Map<number, number>();
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  return counts;
}
