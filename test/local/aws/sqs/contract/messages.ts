import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type ReceiveMessageCommandInput,
  type SendMessageBatchRequestEntry,
  type SendMessageCommandInput,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { uniqueQueueName } from '../servers.js';
import type { TargetRef } from './index.js';

async function newQueue(client: SQSClient, label: string, Attributes?: Record<string, string>): Promise<string> {
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: uniqueQueueName(label), ...(Attributes ? { Attributes } : {}) }));
  return QueueUrl!;
}

async function countMessages(client: SQSClient, QueueUrl: string): Promise<Record<string, string | undefined>> {
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
  return {
    visible: Attributes?.ApproximateNumberOfMessages,
    inflight: Attributes?.ApproximateNumberOfMessagesNotVisible,
    delayed: Attributes?.ApproximateNumberOfMessagesDelayed,
  };
}

const text = (StringValue: string) => ({ DataType: 'String', StringValue });

/** Sending and receiving: bodies, attributes and their MD5s, batches, delays, limits, long polling. */
export function defineMessageContract(target: TargetRef): void {
  describe('messages', () => {
    it('sends and receives a message with attributes, with the MD5s AWS computes', async () => {
      const { client } = target();
      const QueueUrl = await newQueue(client, 'md5');
      const sent = await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'message-1', MessageAttributes: { MyAttribute: text('foobar') } }));
      // Values recorded against AWS (localstack tests/aws/services/sqs/test_sqs.snapshot.json).
      expect(sent.MD5OfMessageBody).toBe('3d6b824fd8c1520e9a047d21fee6fb1f');
      expect(sent.MD5OfMessageAttributes).toBe('adb59cd4678ea5a855436b949cd07ab6');
      const { Messages } = await client.send(new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }));
      expect(Messages).toHaveLength(1);
      expect(Messages![0]).toMatchObject({
        MessageId: sent.MessageId,
        Body: 'message-1',
        MD5OfBody: '3d6b824fd8c1520e9a047d21fee6fb1f',
        MD5OfMessageAttributes: 'adb59cd4678ea5a855436b949cd07ab6',
        MessageAttributes: { MyAttribute: text('foobar') },
        Attributes: { ApproximateReceiveCount: '1' },
      });
      expect(Number(Messages![0]!.Attributes!.SentTimestamp)).toBeLessThanOrEqual(Number(Messages![0]!.Attributes!.ApproximateFirstReceiveTimestamp));
      await client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: Messages![0]!.ReceiptHandle }));
      expect(await countMessages(client, QueueUrl)).toEqual({ visible: '0', inflight: '0', delayed: '0' });
    });

    it('returns the message attributes a receive names, with the MD5 of those alone', async () => {
      const { client } = target();
      const QueueUrl = await newQueue(client, 'filters', { VisibilityTimeout: '0' });
      const MessageAttributes = { 'Help.Me': text('Me'), Hello: text('There'), General: text('Kenobi') };
      const sent = await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'msg', MessageAttributes }));
      expect(sent.MD5OfMessageAttributes).toBe('4c360f3fdafd970e05fae2f149d997f5');
      const receive = async (MessageAttributeNames: string[]) =>
        (await client.send(new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames }))).Messages![0]!;
      expect(await receive([])).not.toHaveProperty('MessageAttributes');
      expect((await receive(['.*'])).MD5OfMessageAttributes).toBe('4c360f3fdafd970e05fae2f149d997f5');
      expect(await receive(['Hello', 'General'])).toMatchObject({ MD5OfMessageAttributes: 'fca026605781cb4126a1e9044df24232' });
      expect(await receive(['Foo', 'Hello'])).toMatchObject({ MD5OfMessageAttributes: 'a311262e065454b75da111d535b8dacd', MessageAttributes: { Hello: text('There') } });
      expect(await receive(['Hel.*'])).toMatchObject({ MD5OfMessageAttributes: '83fee93c1bcd8b9a5a923ffacdc636c7' });
      expect(await receive(['Foo'])).not.toHaveProperty('MD5OfMessageAttributes');
    });

    it('keeps binary and number attributes as sent', async () => {
      const { client } = target();
      const QueueUrl = await newQueue(client, 'binary');
      const bytes = Uint8Array.from([0, 1, 2, 250, 255]);
      await client.send(
        new SendMessageCommand({
          QueueUrl,
          MessageBody: 'with binary',
          MessageAttributes: { blob: { DataType: 'Binary', BinaryValue: bytes }, n: { DataType: 'Number.float', StringValue: '3.25' } },
        }),
      );
      const { Messages } = await client.send(new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ['All'] }));
      expect(Messages![0]!.MessageAttributes).toEqual({
        blob: { DataType: 'Binary', BinaryValue: bytes },
        n: { DataType: 'Number.float', StringValue: '3.25' },
      });
    });

    it('refuses bad messages with the real errors and stores none of them', async () => {
      const { client } = target();
      const QueueUrl = await newQueue(client, 'bad-input', { MaximumMessageSize: '1024' });
      const send = (input: Omit<SendMessageCommandInput, 'QueueUrl'>) => () => client.send(new SendMessageCommand({ QueueUrl, ...input }));
      const receive = (input: Omit<ReceiveMessageCommandInput, 'QueueUrl'>) => () => client.send(new ReceiveMessageCommand({ QueueUrl, ...input }));
      const refusals: Array<[() => Promise<unknown>, Record<string, unknown>]> = [
        [send({ MessageBody: 'x'.repeat(1025) }), { name: 'InvalidParameterValue', message: 'One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.' }],
        [send({ MessageBody: 'x'.repeat(1000), MessageAttributes: { big: text('y'.repeat(30)) } }), { name: 'InvalidParameterValue' }],
        [send({ MessageBody: 'bell \u0007' }), { name: 'InvalidMessageContents' }],
        [send({ MessageBody: '' }), { name: 'MissingParameter', message: 'The request must contain the parameter MessageBody.' }],
        [send({ MessageBody: 'x', DelaySeconds: 901 }), { name: 'InvalidParameterValue' }],
        [send({ MessageBody: 'x', MessageAttributes: { 'AWS.x': text('y') } }), { name: 'InvalidParameterValue' }],
        [send({ MessageBody: 'x', MessageAttributes: { n: { DataType: 'Number', StringValue: 'ten' } } }), { name: 'InvalidParameterValue' }],
        [send({ MessageBody: 'x', MessageAttributes: { e: { DataType: 'String', StringValue: '' } } }), { name: 'InvalidParameterValue', message: "Message (user) attribute 'e' must contain a non-empty value of type 'String'." }],
        [send({ MessageBody: 'x', MessageDeduplicationId: 'd' }), { name: 'InvalidParameterValue' }],
        [receive({ MaxNumberOfMessages: 11 }), { name: 'InvalidParameterValue', message: 'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.' }],
        [receive({ WaitTimeSeconds: 21 }), { name: 'InvalidParameterValue', message: 'Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.' }],
      ];
      for (const [attempt, error] of refusals) {
        await expect(attempt()).rejects.toMatchObject({ ...error, $metadata: { httpStatusCode: 400 } });
      }
      const oversized = 'x'.repeat(1_048_577);
      const defaultQueue = await newQueue(client, 'bad-input-default');
      await expect(client.send(new SendMessageCommand({ QueueUrl: defaultQueue, MessageBody: oversized }))).rejects.toMatchObject({
        name: 'InvalidParameterValue',
        message: 'One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.',
      });
      expect(await countMessages(client, QueueUrl)).toEqual({ visible: '0', inflight: '0', delayed: '0' });
      expect(await countMessages(client, defaultQueue)).toEqual({ visible: '0', inflight: '0', delayed: '0' });
    });

    it('sends a batch, reporting entries that fail on their own and refusing malformed batches whole', async () => {
      const { client } = target();
      const QueueUrl = await newQueue(client, 'batch', { MaximumMessageSize: '1024' });
      const answer = await client.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: [
            { Id: 'a', MessageBody: 'first', MessageAttributes: { MyAttribute: text('foobar') } },
            { Id: 'b', MessageBody: 'x'.repeat(2000) },
            { Id: 'c', MessageBody: 'third', DelaySeconds: 60 },
          ],
        }),
      );
      expect(answer.Successful?.map((e) => e.Id)).toEqual(['a', 'c']);
      expect(answer.Successful?.[0]).toMatchObject({ MD5OfMessageBody: '8b04d5e3775d298e78455efc5ca404d5', MD5OfMessageAttributes: 'adb59cd4678ea5a855436b949cd07ab6' });
      expect(answer.Failed).toEqual([{ Id: 'b', SenderFault: true, Code: 'InvalidParameterValue', Message: 'One or more parameters cannot be validated. Reason: Message must be shorter than 1024 bytes.' }]);
      expect(await countMessages(client, QueueUrl)).toEqual({ visible: '1', inflight: '0', delayed: '1' });

      const entry = (Id: string) => ({ Id, MessageBody: 'x' });
      const whole: Array<[SendMessageBatchRequestEntry[], string]> = [
        [[], 'EmptyBatchRequest'],
        [Array.from({ length: 11 }, (_, i) => entry(`e${i}`)), 'TooManyEntriesInBatchRequest'],
        [[entry('same'), entry('same')], 'BatchEntryIdsNotDistinct'],
        [[entry('not valid!')], 'InvalidBatchEntryId'],
      ];
      for (const [Entries, name] of whole) {
        await expect(client.send(new SendMessageBatchCommand({ QueueUrl, Entries }))).rejects.toMatchObject({ name, $metadata: { httpStatusCode: 400 } });
      }
      const bigQueue = await newQueue(client, 'batch-big');
      const big = Array.from({ length: 2 }, (_, i) => ({ Id: `big${i}`, MessageBody: 'y'.repeat(600_000) }));
      await expect(client.send(new SendMessageBatchCommand({ QueueUrl: bigQueue, Entries: big }))).rejects.toMatchObject({
        name: 'BatchRequestTooLong',
        message: 'Batch requests cannot be longer than 1048576 bytes. You have sent 1200000 bytes.',
      });
      expect(await countMessages(client, QueueUrl)).toEqual({ visible: '1', inflight: '0', delayed: '1' });
      expect(await countMessages(client, bigQueue)).toEqual({ visible: '0', inflight: '0', delayed: '0' });
    });

    it('holds back a message sent with DelaySeconds until its delay has passed', async () => {
      const { client } = target();
      const QueueUrl = await newQueue(client, 'delay');
      await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'later', DelaySeconds: 1 }));
      expect((await client.send(new ReceiveMessageCommand({ QueueUrl }))).Messages ?? []).toEqual([]);
      expect(await countMessages(client, QueueUrl)).toMatchObject({ delayed: '1', visible: '0' });
      const started = Date.now();
      const { Messages } = await client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5 }));
      expect(Messages?.[0]?.Body).toBe('later');
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('returns a long poll as soon as a message arrives, and an empty answer when its wait time is up', async () => {
      const { client, clientWith } = target();
      const sender = clientWith({});
      const QueueUrl = await newQueue(client, 'longpoll');
      try {
        const started = Date.now();
        const poll = client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 10 }));
        await new Promise((resolve) => setTimeout(resolve, 300));
        const sentAt = Date.now();
        await sender.send(new SendMessageCommand({ QueueUrl, MessageBody: 'wake up' }));
        const { Messages } = await poll;
        const answeredAt = Date.now();
        expect(Messages?.[0]?.Body).toBe('wake up');
        expect(answeredAt - started).toBeGreaterThanOrEqual(290);
        expect(answeredAt - sentAt).toBeLessThan(250);

        const emptyStarted = Date.now();
        const empty = await client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
        expect(empty.Messages ?? []).toEqual([]);
        expect(Date.now() - emptyStarted).toBeGreaterThanOrEqual(950);
      } finally {
        sender.destroy();
      }
    });

    it('receives up to MaxNumberOfMessages at once', async () => {
      const { client } = target();
      const QueueUrl = await newQueue(client, 'max');
      await client.send(new SendMessageBatchCommand({ QueueUrl, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `body ${i}` })) }));
      const first = await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 4 }));
      expect(first.Messages).toHaveLength(4);
      const rest = await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
      expect(rest.Messages).toHaveLength(6);
      const bodies = [...first.Messages!, ...rest.Messages!].map((m) => m.Body).sort();
      expect(bodies).toEqual(Array.from({ length: 10 }, (_, i) => `body ${i}`).sort());
    });
  });
}
