import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, startOurSqs, type OurSqsTarget } from './sqs/servers.js';

// Retention periods are at least 60 s on AWS: these tests move the service's clock instead of waiting.
describe('SQS retention of our endpoint', () => {
  const tmp = makeTempDir('sqs-retention-');
  let offsetMs = 0;
  let target: OurSqsTarget;
  beforeAll(async () => {
    target = await startOurSqs(tmp.dir, { now: () => Date.now() + offsetMs });
  });
  afterAll(async () => {
    await target.close();
    tmp.remove();
  });

  it('never delivers a message older than the retention period, and its sweep deletes it', async () => {
    const { client } = target;
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: 'retained', Attributes: { MessageRetentionPeriod: '60' } }));
    await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'old' }));
    offsetMs += 30_000;
    await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'young' }));
    offsetMs += 31_000;
    const { Messages } = await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(Messages?.map((m) => m.Body)).toEqual(['young']);
    expect(target.service.sweepExpired()).toBe(1);
    const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    expect(Attributes).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '1' });
  });

  it('expires existing messages at once when the retention period is shortened', async () => {
    const { client } = target;
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: 'shortened' }));
    await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'was kept for 4 days' }));
    offsetMs += 120_000;
    await client.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { MessageRetentionPeriod: '60' } }));
    expect((await client.send(new ReceiveMessageCommand({ QueueUrl }))).Messages ?? []).toEqual([]);
  });

  it('forgets a FIFO deduplication id after 5 minutes', async () => {
    const { client } = target;
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: 'dedup.fifo', Attributes: { FifoQueue: 'true' } }));
    const send = (MessageBody: string) => client.send(new SendMessageCommand({ QueueUrl, MessageBody, MessageGroupId: 'g', MessageDeduplicationId: 'same' }));
    const first = await send('first');
    offsetMs += 4 * 60_000;
    expect((await send('within')).MessageId).toBe(first.MessageId);
    offsetMs += 61_000;
    expect((await send('after')).MessageId).not.toBe(first.MessageId);
    const { Messages } = await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(Messages?.map((m) => m.Body)).toEqual(['first', 'after']);
  });
});
