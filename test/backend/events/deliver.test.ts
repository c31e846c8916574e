import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventDeliverer, type EventDeliverer } from '../../../backend/events/deliver.js';
import { createDynamoEventStore } from '../../../backend/events/store.js';
import { jobRecordId } from '../../../backend/jobs/record.js';
import { silentLogger } from '../../../backend/log.js';
import { startReceiver, verifyStandardSignature, type Receiver } from '../../helpers/webhook-receiver.js';
import { startTestAws, type TestAws } from '../helpers/local-aws.js';

// The deliverer over the real local DynamoDB: event state on the job record, a lease against
// two deliverers at once, giving up when the schedule is spent.
const SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
let aws: TestAws;
let receiver: Receiver;

function deliverer(delaysMs: number[]): EventDeliverer {
  return createEventDeliverer({
    config: { queueUrl: undefined, retryDelaysMs: delaysMs, retryWindowMs: 86_400_000, inlineRetryMs: 1_000, webhookTimeoutMs: 2_000, allowPrivateHosts: true },
    store: createDynamoEventStore({ ddb: aws.clients.ddb, table: aws.table }),
    queue: undefined,
    fetch,
    logger: silentLogger,
  });
}

/** Writes a job record with a pending event to `path` of the receiver; resolves with its uid. */
async function putJob(path: string, status: 'exited' | 'running' = 'exited'): Promise<string> {
  const uid = `${Math.floor(Date.now() / 1000)}.${randomUUID()}`;
  const now = Date.now();
  await aws.clients.ddb.send(
    new PutCommand({
      TableName: aws.table,
      Item: {
        id: jobRecordId(uid),
        uid,
        'auth-name': 'alice:0123456789abcdef',
        status,
        argv: ['true'],
        'started-at': now - 100,
        ttl: Math.floor(now / 1000) + 3600,
        ...(status === 'exited' ? { exit: 0, size: 0, 'ended-at': now } : {}),
        'event-state': 'pending',
        'event-url': `${receiver.url}${path}`,
        'event-secret': SECRET,
      },
    }),
  );
  return uid;
}

async function readRecord(uid: string): Promise<Record<string, unknown> | undefined> {
  return (await aws.clients.ddb.send(new GetCommand({ TableName: aws.table, Key: { id: jobRecordId(uid) }, ConsistentRead: true }))).Item;
}

beforeAll(async () => {
  aws = await startTestAws();
  receiver = await startReceiver();
});

afterAll(async () => {
  await receiver?.close();
  await aws?.close();
});

describe('the event deliverer', () => {
  it('retries on the schedule, then marks the event failed and removes the secret', async () => {
    receiver.script('/down', [500]);
    const uid = await putJob('/down');
    await deliverer([50, 50]).deliver(uid, { waitUntil: Date.now() + 60_000 });
    const sent = receiver.received.filter((request) => request.path === '/down');
    expect(sent).toHaveLength(3);
    for (const request of sent) expect(verifyStandardSignature(SECRET, request)).toBe(true);
    const record = await readRecord(uid);
    expect(record).toMatchObject({ 'event-state': 'failed', 'event-tries': 3 });
    expect(record?.['event-attempts']).toEqual([expect.objectContaining({ status: 500 }), expect.objectContaining({ status: 500 }), expect.objectContaining({ status: 500 })]);
    expect(record?.['event-secret']).toBeUndefined();
    expect(record?.['event-lease']).toBeUndefined();
  });

  it('sends an event once when two deliverers try it at the same time', async () => {
    const uid = await putJob('/once');
    await Promise.all([deliverer([50]).deliver(uid), deliverer([50]).deliver(uid), deliverer([50]).deliverDue()]);
    expect(receiver.received.filter((request) => request.path === '/once')).toHaveLength(1);
    expect(await readRecord(uid)).toMatchObject({ 'event-state': 'delivered', 'event-delivered': true });
  });

  it('leaves the event of a job that has not exited alone, and the sweep does not list it', async () => {
    const uid = await putJob('/early', 'running');
    await deliverer([50]).deliver(uid);
    expect(receiver.received.filter((request) => request.path === '/early')).toHaveLength(0);
    expect(await createDynamoEventStore({ ddb: aws.clients.ddb, table: aws.table }).listDueEvents(Date.now())).not.toContain(uid);
    expect(await readRecord(uid)).toMatchObject({ 'event-state': 'pending' });
  });

  it('does not follow a redirect: it is a failed attempt', async () => {
    receiver.script('/moved', [302, 200]);
    const uid = await putJob('/moved');
    await deliverer([30_000]).deliver(uid);
    expect(receiver.received.filter((request) => request.path === '/moved')).toHaveLength(1);
    const record = await readRecord(uid);
    expect(record).toMatchObject({ 'event-state': 'pending', 'event-attempts': [expect.objectContaining({ status: 302, error: 'redirect not followed' })] });
    expect(record?.['event-next-at']).toBeGreaterThan(Date.now() + 20_000);
  });
});
