import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, startOurSqs, type OurSqsTarget } from './sqs/servers.js';

// The internal API another local service (SNS) delivers with: the queue's own rules, no IAM.
describe('SQS deliver (internal API)', () => {
  const tmp = makeTempDir('sqs-deliver-');
  let target: OurSqsTarget;
  beforeAll(async () => {
    target = await startOurSqs(tmp.dir);
  });
  afterAll(async () => {
    await target.close();
    tmp.remove();
  });

  it('stores a message by queue ARN that a long poll receives with its attributes', async () => {
    const { client, service } = target;
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: 'fan-out' }));
    const poll = client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['SenderId'] }));
    const delivered = service.deliver('arn:aws:sqs:us-east-1:000000000000:fan-out', {
      body: '{"Type":"Notification"}',
      attributes: { MyAttribute: { DataType: 'String', StringValue: 'foobar' } },
      senderId: 'AIDAIT2UOQQY3AUEKVGXU',
    });
    const { Messages } = await poll;
    expect(Messages?.[0]).toMatchObject({
      MessageId: delivered.messageId,
      Body: '{"Type":"Notification"}',
      MD5OfBody: delivered.md5OfBody,
      MD5OfMessageAttributes: 'adb59cd4678ea5a855436b949cd07ab6',
      Attributes: { SenderId: 'AIDAIT2UOQQY3AUEKVGXU' },
    });
  });

  it('enforces the queue\'s own rules: FIFO groups and deduplication, size, existence', async () => {
    const { client, service } = target;
    await client.send(new CreateQueueCommand({ QueueName: 'fan-out.fifo', Attributes: { FifoQueue: 'true', MaximumMessageSize: '1024' } }));
    const arn = 'arn:aws:sqs:us-east-1:000000000000:fan-out.fifo';
    expect(() => service.deliver(arn, { body: 'no group', deduplicationId: 'd' })).toThrow(expect.objectContaining({ code: 'MissingParameter' }));
    expect(() => service.deliver(arn, { body: 'x'.repeat(1025), messageGroupId: 'g', deduplicationId: 'd' })).toThrow(
      expect.objectContaining({ code: 'InvalidParameterValue' }),
    );
    const first = service.deliver(arn, { body: 'once', messageGroupId: 'g', deduplicationId: 'd' });
    expect(first.sequenceNumber).toMatch(/^\d{20}$/);
    expect(service.deliver(arn, { body: 'twice', messageGroupId: 'g', deduplicationId: 'd' }).messageId).toBe(first.messageId);
    expect(() => service.deliver('arn:aws:sqs:us-east-1:000000000000:nowhere', { body: 'x' })).toThrow(
      expect.objectContaining({ code: 'AWS.SimpleQueueService.NonExistentQueue' }),
    );
  });
});
