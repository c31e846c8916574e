import { CreateTopicCommand, PublishBatchCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, startOurSns, type OurSnsTarget } from './sns/servers.js';
import { SnsDocument, verifySnsSignature } from './sns/verify.js';

const QUEUE = 'arn:aws:sqs:us-east-1:000000000000';

// Publish and PublishBatch fanning out to the local SQS through our endpoint (SDK v3 on both
// sides): raw and enveloped deliveries, signatures verified as AWS tells subscribers to, FIFO
// topics, MessageStructure, filter policies on attributes and on the body, dead-letter queues.
describe('SNS fan-out to SQS (SDK v3)', () => {
  const tmp = makeTempDir('sns-publish-');
  let t: OurSnsTarget;

  const queue = async (name: string, attributes?: Record<string, string>) => {
    const { QueueUrl } = await t.sqs.send(new CreateQueueCommand({ QueueName: name, ...(attributes ? { Attributes: attributes } : {}) }));
    return { url: QueueUrl!, arn: `${QUEUE}:${name}` };
  };
  const topic = async (name: string, attributes?: Record<string, string>) =>
    (await t.sns.send(new CreateTopicCommand({ Name: name, ...(attributes ? { Attributes: attributes } : {}) }))).TopicArn!;
  const subscribe = async (TopicArn: string, Endpoint: string, Attributes?: Record<string, string>) =>
    (await t.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint, ...(Attributes ? { Attributes } : {}) }))).SubscriptionArn!;
  /** Receives every message now in a queue (deleting them), in order. */
  const drain = async (url: string): Promise<Message[]> => {
    const out: Message[] = [];
    for (;;) {
      const { Messages } = await t.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }),
      );
      if (!Messages?.length) return out;
      out.push(...Messages);
      await t.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })) }));
    }
  };
  const bodies = async (url: string) => (await drain(url)).map((m) => m.Body);

  beforeAll(async () => {
    t = await startOurSns(tmp.dir);
  });
  afterAll(async () => {
    await t.close();
    tmp.remove();
  });

  it('delivers a signed envelope to one queue and the raw message with SQS attributes to another, before Publish answers', async () => {
    const TopicArn = await topic('fanout', { SignatureVersion: '2' });
    const enveloped = await queue('enveloped');
    const raw = await queue('raw');
    const envelopedSubscription = await subscribe(TopicArn, enveloped.arn);
    await subscribe(TopicArn, raw.arn, { RawMessageDelivery: 'true' });
    const MessageAttributes = {
      kind: { DataType: 'String', StringValue: 'job-ended' },
      exit: { DataType: 'Number', StringValue: '3' },
      tags: { DataType: 'String.Array', StringValue: '["a","b"]' },
      blob: { DataType: 'Binary', BinaryValue: new Uint8Array([2, 3, 4]) },
    };
    const { MessageId } = await t.sns.send(new PublishCommand({ TopicArn, Message: 'line one\nline "two"', Subject: 'Job ended', MessageAttributes }));

    const [envelope] = await drain(enveloped.url);
    const document = SnsDocument.parse(JSON.parse(envelope!.Body!));
    expect(document).toEqual({
      Type: 'Notification',
      MessageId,
      TopicArn,
      Subject: 'Job ended',
      Message: 'line one\nline "two"',
      Timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      SignatureVersion: '2',
      Signature: expect.any(String),
      SigningCertURL: expect.stringMatching(new RegExp(`^${t.url}/SimpleNotificationService-[0-9a-f]{32}\\.pem$`)),
      UnsubscribeURL: `${t.url}/?Action=Unsubscribe&SubscriptionArn=${envelopedSubscription}`,
      MessageAttributes: {
        kind: { Type: 'String', Value: 'job-ended' },
        exit: { Type: 'Number', Value: '3' },
        tags: { Type: 'String.Array', Value: '["a","b"]' },
        blob: { Type: 'Binary', Value: 'AgME' },
      },
    });
    expect(await verifySnsSignature(document)).toBe(true);
    expect(envelope!.Attributes?.SenderId).toBe('AIDAIT2UOQQY3AUEKVGXU');

    const [rawMessage] = await drain(raw.url);
    expect(rawMessage!.Body).toBe('line one\nline "two"');
    expect(rawMessage!.MessageAttributes).toEqual({
      kind: { DataType: 'String', StringValue: 'job-ended' },
      exit: { DataType: 'Number', StringValue: '3' },
      tags: { DataType: 'String.Array', StringValue: '["a","b"]' },
      blob: { DataType: 'Binary', BinaryValue: new Uint8Array([2, 3, 4]) },
    });
  });

  it('keeps FIFO order per group and deduplicates by content for five minutes', async () => {
    const TopicArn = await topic('orders.fifo', { FifoTopic: 'true', ContentBasedDeduplication: 'true' });
    const fifoQueue = await queue('orders.fifo', { FifoQueue: 'true' });
    const standardQueue = await queue('orders-copy');
    await subscribe(TopicArn, fifoQueue.arn, { RawMessageDelivery: 'true' });
    await subscribe(TopicArn, standardQueue.arn);
    const sequence: string[] = [];
    for (const Message of ['one', 'two', 'three']) {
      const answer = await t.sns.send(new PublishCommand({ TopicArn, Message, MessageGroupId: 'g' }));
      sequence.push(answer.SequenceNumber!);
    }
    const again = await t.sns.send(new PublishCommand({ TopicArn, Message: 'two', MessageGroupId: 'g' }));
    expect(sequence.map(BigInt)).toEqual([...sequence.map(BigInt)].sort((a, b) => (a < b ? -1 : 1)));
    expect(again.SequenceNumber).toBe(sequence[1]);
    const received = await drain(fifoQueue.url);
    expect(received.map((m) => m.Body)).toEqual(['one', 'two', 'three']);
    expect(received[0]!.Attributes).toMatchObject({ MessageGroupId: 'g' });
    const copies = (await drain(standardQueue.url)).map((m) => SnsDocument.parse(JSON.parse(m.Body!)));
    expect(copies).toHaveLength(3);
    // A FIFO topic's notifications carry the sequence number and no signature (recorded against AWS).
    expect(copies[0]).toMatchObject({ Type: 'Notification', SequenceNumber: sequence[0], Message: 'one' });
    expect(copies[0]!.Signature).toBeUndefined();
  });

  it('refuses a FIFO queue on a standard topic, and a FIFO publish without group or deduplication id', async () => {
    const TopicArn = await topic('plain');
    const fifoQueue = await queue('plain-target.fifo', { FifoQueue: 'true' });
    await expect(subscribe(TopicArn, fifoQueue.arn)).rejects.toThrow(
      'Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics',
    );
    const fifoTopic = await topic('strict.fifo', { FifoTopic: 'true' });
    await expect(t.sns.send(new PublishCommand({ TopicArn: fifoTopic, Message: 'x' }))).rejects.toThrow(
      'Invalid parameter: The MessageGroupId parameter is required for FIFO topics',
    );
    await expect(t.sns.send(new PublishCommand({ TopicArn: fifoTopic, Message: 'x', MessageGroupId: 'g' }))).rejects.toThrow(
      'Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
    );
    await expect(t.sns.send(new PublishCommand({ TopicArn, Message: 'x', MessageDeduplicationId: 'd' }))).rejects.toThrow(
      'Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type',
    );
  });

  it('publishes a batch to every subscription, and answers each entry', async () => {
    const TopicArn = await topic('batch');
    const target = await queue('batch-target');
    await subscribe(TopicArn, target.arn, { RawMessageDelivery: 'true' });
    const answer = await t.sns.send(
      new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: ['a', 'b', 'c'].map((Message) => ({ Id: `id-${Message}`, Message })) }),
    );
    expect(answer.Successful?.map((entry) => entry.Id)).toEqual(['id-a', 'id-b', 'id-c']);
    expect(answer.Failed).toEqual([]);
    expect((await bodies(target.url)).sort()).toEqual(['a', 'b', 'c']);
    const tooMany = Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, Message: 'x' }));
    await expect(t.sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: tooMany }))).rejects.toThrow(
      'The batch request contains more entries than permissible.',
    );
    await expect(
      t.sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: [{ Id: 'same', Message: 'x' }, { Id: 'same', Message: 'y' }] })),
    ).rejects.toThrow('Two or more batch entries in the request have the same Id.');
    expect(await bodies(target.url)).toEqual([]);
  });

  it('sends each protocol its message of a MessageStructure=json publish', async () => {
    const TopicArn = await topic('structured');
    const target = await queue('structured-target');
    await subscribe(TopicArn, target.arn, { RawMessageDelivery: 'true' });
    await t.sns.send(new PublishCommand({ TopicArn, MessageStructure: 'json', Message: JSON.stringify({ default: 'for all', sqs: 'for queues' }) }));
    await t.sns.send(new PublishCommand({ TopicArn, MessageStructure: 'json', Message: JSON.stringify({ default: 'for all', http: 'for web' }) }));
    expect(await bodies(target.url)).toEqual(['for queues', 'for all']);
    await expect(t.sns.send(new PublishCommand({ TopicArn, MessageStructure: 'json', Message: '{"sqs":"x"}' }))).rejects.toThrow(
      'Invalid parameter: Message Structure - No default entry in JSON message body',
    );
  });

  it('delivers only what passes a subscription filter policy, on attributes or on the body', async () => {
    const TopicArn = await topic('filtered');
    const failures = await queue('failures');
    const builds = await queue('builds');
    const body = await queue('body-filtered');
    await subscribe(TopicArn, failures.arn, {
      RawMessageDelivery: 'true',
      FilterPolicy: JSON.stringify({ kind: ['job-ended'], exit: [{ numeric: ['>', 0, '<=', 255] }], command: [{ 'anything-but': { prefix: 'echo' } }] }),
    });
    await subscribe(TopicArn, builds.arn, {
      RawMessageDelivery: 'true',
      FilterPolicy: JSON.stringify({ command: [{ prefix: 'make' }, { suffix: '.sh' }], retried: [{ exists: false }] }),
    });
    await subscribe(TopicArn, body.arn, {
      RawMessageDelivery: 'true',
      FilterPolicyScope: 'MessageBody',
      FilterPolicy: JSON.stringify({ job: { exit: [{ numeric: ['=', 0] }], tags: ['nightly'] } }),
    });
    const send = (Message: string, attributes: Record<string, string | number>) =>
      t.sns.send(
        new PublishCommand({
          TopicArn,
          Message,
          MessageAttributes: Object.fromEntries(
            Object.entries(attributes).map(([name, value]) => [name, typeof value === 'number' ? { DataType: 'Number', StringValue: String(value) } : { DataType: 'String', StringValue: value }]),
          ),
        }),
      );
    await send('make failed', { kind: 'job-ended', exit: 2, command: 'make test' });
    await send('echo failed', { kind: 'job-ended', exit: 1, command: 'echo hi' });
    await send('make ok', { kind: 'job-ended', exit: 0, command: 'make' });
    await send('script retried', { kind: 'job-ended', exit: 300, command: 'run.sh', retried: 'yes' });
    await send(JSON.stringify({ job: { exit: 0, tags: ['nightly', 'x'] } }), {});
    await send(JSON.stringify({ job: { exit: 1, tags: ['nightly'] } }), {});
    await send('not json', {});
    expect(await bodies(failures.url)).toEqual(['make failed']);
    expect(await bodies(builds.url)).toEqual(['make failed', 'make ok']);
    expect(await bodies(body.url)).toEqual([JSON.stringify({ job: { exit: 0, tags: ['nightly', 'x'] } })]);
  });

  it('moves a delivery its queue refuses to the subscription dead-letter queue, and answers the publish all the same', async () => {
    const TopicArn = await topic('to-missing');
    const deadLetters = await queue('dead-letters');
    await subscribe(TopicArn, `${QUEUE}:never-created`, { RawMessageDelivery: 'true', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetters.arn }) });
    await subscribe(TopicArn, `${QUEUE}:also-never-created`);
    const { MessageId } = await t.sns.send(new PublishCommand({ TopicArn, Message: 'undeliverable', MessageAttributes: { a: { DataType: 'String', StringValue: 'b' } } }));
    expect(MessageId).toBeDefined();
    const [dead] = await drain(deadLetters.url);
    expect(dead).toMatchObject({ Body: 'undeliverable', MessageAttributes: { a: { DataType: 'String', StringValue: 'b' } } });
    expect(t.errors.some((line) => line.includes('dropped a delivery') && line.includes('AWS.SimpleQueueService.NonExistentQueue'))).toBe(true);
    expect(t.snsService.pendingDeliveries()).toBe(0);
  });
});
