/** Filling a runtime's table: the key's own jobs through the API, other keys' job records directly. */
import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createClient } from '../../client/index.js';
import type { LocalJson } from '../../local/local-json.js';

/** Starts `count` real jobs (`true`) with the runtime's key and waits until every one has exited. */
export async function startOwnJobs(config: LocalJson, count: number): Promise<void> {
  const client = createClient({ url: config.url, auth: config.auth });
  for (let done = 0; done < count; done += 10) {
    await Promise.all(Array.from({ length: Math.min(10, count - done) }, () => client.exec({ argv: ['true'] })));
  }
}

/**
 * Writes `count` exited job records of 100 other keys, shaped as the backend writes them
 * (backend/jobs/start.ts, close.ts), with the account's root key: other users' history.
 */
export async function writeOtherJobs(config: LocalJson, count: number): Promise<void> {
  const ddb = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: config.awsEndpoint,
      region: config.region,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    }),
  );
  const names = Array.from({ length: 100 }, (_, i) => `user${i}:${randomBytes(8).toString('hex')}`);
  const now = Date.now();
  const records = Array.from({ length: count }, (_, i) => {
    const startedAt = now - 86_400_000 + i * 1000;
    const uid = `${Math.floor(startedAt / 1000)}.${randomUUID()}`;
    return {
      id: `job.${uid}`,
      uid,
      'auth-name': names[i % names.length],
      status: 'exited',
      argv: ['bash', '-c', `echo job ${i}; sleep 0.1`],
      'started-at': startedAt,
      ttl: Math.floor(now / 1000) + 86_400,
      'claimed-at': startedAt + 20,
      deadline: startedAt + 910_000,
      exit: i % 7 === 0 ? 1 : 0,
      size: 12,
      'ended-at': startedAt + 150,
      'uploaded-bytes': 12,
      uploads: 1,
    };
  });
  const batches: (typeof records)[] = [];
  for (let i = 0; i < records.length; i += 25) batches.push(records.slice(i, i + 25));
  try {
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let batch = batches.shift(); batch; batch = batches.shift()) {
          let pending: Record<string, unknown>[] = batch.map((Item) => ({ PutRequest: { Item } }));
          while (pending.length > 0) {
            const answer = await ddb.send(new BatchWriteCommand({ RequestItems: { [config.jobsTable ?? config.table]: pending } }));
            pending = (answer.UnprocessedItems?.[config.jobsTable ?? config.table] ?? []) as Record<string, unknown>[];
          }
        }
      }),
    );
  } finally {
    ddb.destroy();
  }
}
