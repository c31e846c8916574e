import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { sleep, uniqueQueueName } from '../servers.js';
import type { TargetRef } from './index.js';

async function newFifoQueue(client: SQSClient, label: string, Attributes: Record<string, string> = {}): Promise<string> {
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: uniqueQueueName(label, true), Attributes: { FifoQueue: 'true', ...Attributes } }));
  return QueueUrl!;
}

/** FIFO queues: order per group, a group blocked while in flight, deduplication, sequence numbers. */
export function defineFifoContract(target: TargetRef): void {
  describe('FIFO', () => {
    it('delivers each group in order, one batch in flight at a time, while other groups go on', async () => {
      const { client } = target();
      const QueueUrl = await newFifoQueue(client, 'order');
      const sequence: string[] = [];
      for (const [group, body] of [['g1', 'a1'], ['g2', 'b1'], ['g1', 'a2'], ['g1', 'a3'], ['g2', 'b2']] as const) {
        const sent = await client.send(new SendMessageCommand({ QueueUrl, MessageBody: body, MessageGroupId: group, MessageDeduplicationId: body }));
        expect(sent.SequenceNumber).toMatch(/^\d{20}$/);
        sequence.push(sent.SequenceNumber!);
      }
      expect([...sequence].sort()).toEqual(sequence);
      const first = await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 2, MessageSystemAttributeNames: ['All'] }));
      expect(first.Messages?.map((m) => m.Body)).toEqual(['a1', 'b1']);
      expect(first.Messages?.[0]?.Attributes).toMatchObject({ MessageGroupId: 'g1', MessageDeduplicationId: 'a1', SequenceNumber: sequence[0] });
      // Both groups have a message in flight: nothing else may be received.
      expect((await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages ?? []).toEqual([]);
      await client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: first.Messages![0]!.ReceiptHandle }));
      const next = await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
      expect(next.Messages?.map((m) => m.Body)).toEqual(['a2', 'a3']);
      await client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: first.Messages![1]!.ReceiptHandle }));
      const last = await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
      expect(last.Messages?.map((m) => m.Body)).toEqual(['b2']);
    });

    it('accepts a duplicate within the deduplication interval without delivering it twice', async () => {
      const { client } = target();
      const QueueUrl = await newFifoQueue(client, 'dedup');
      const one = await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'once', MessageGroupId: 'g', MessageDeduplicationId: 'same' }));
      const two = await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'once more', MessageGroupId: 'g', MessageDeduplicationId: 'same' }));
      expect(two.MessageId).toBe(one.MessageId);
      expect(two.SequenceNumber).toBe(one.SequenceNumber);
      const { Messages } = await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
      expect(Messages?.map((m) => m.Body)).toEqual(['once']);
      await client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: Messages![0]!.ReceiptHandle }));
      // Still a duplicate after the first was deleted.
      await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'after delete', MessageGroupId: 'g', MessageDeduplicationId: 'same' }));
      expect((await client.send(new ReceiveMessageCommand({ QueueUrl }))).Messages ?? []).toEqual([]);
    });

    it('deduplicates by the body with ContentBasedDeduplication, and otherwise requires a MessageDeduplicationId', async () => {
      const { client } = target();
      const content = await newFifoQueue(client, 'content', { ContentBasedDeduplication: 'true' });
      await client.send(new SendMessageCommand({ QueueUrl: content, MessageBody: 'same body', MessageGroupId: 'g' }));
      await client.send(new SendMessageCommand({ QueueUrl: content, MessageBody: 'same body', MessageGroupId: 'g' }));
      await client.send(new SendMessageCommand({ QueueUrl: content, MessageBody: 'other body', MessageGroupId: 'g' }));
      const { Messages } = await client.send(new ReceiveMessageCommand({ QueueUrl: content, MaxNumberOfMessages: 10 }));
      expect(Messages?.map((m) => m.Body)).toEqual(['same body', 'other body']);

      const plain = await newFifoQueue(client, 'plain');
      await expect(client.send(new SendMessageCommand({ QueueUrl: plain, MessageBody: 'x', MessageGroupId: 'g' }))).rejects.toMatchObject({
        name: 'InvalidParameterValue',
        message: 'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
      });
      await expect(client.send(new SendMessageCommand({ QueueUrl: plain, MessageBody: 'x', MessageDeduplicationId: 'd' }))).rejects.toMatchObject({
        name: 'MissingParameter',
        message: 'The request must contain the parameter MessageGroupId.',
      });
      await expect(
        client.send(new SendMessageCommand({ QueueUrl: plain, MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd', DelaySeconds: 2 })),
      ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
      await expect(client.send(new SendMessageCommand({ QueueUrl: plain, MessageBody: 'x', MessageGroupId: 'group 123', MessageDeduplicationId: 'd' }))).rejects.toMatchObject({
        name: 'InvalidParameterValue',
        message: 'Value group 123 for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.',
      });
      expect((await client.send(new ReceiveMessageCommand({ QueueUrl: plain }))).Messages ?? []).toEqual([]);
    });

    it('refuses to delete with a receipt handle whose visibility timeout has run out', async () => {
      const { client } = target();
      const QueueUrl = await newFifoQueue(client, 'expired', { VisibilityTimeout: '1' });
      await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'foobar', MessageGroupId: 'g', MessageDeduplicationId: 'd' }));
      const { Messages } = await client.send(new ReceiveMessageCommand({ QueueUrl }));
      await sleep(1100);
      const handle = Messages![0]!.ReceiptHandle!;
      await expect(client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: handle }))).rejects.toMatchObject({
        name: 'InvalidParameterValue',
        message: `Value ${handle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`,
      });
      expect((await client.send(new ReceiveMessageCommand({ QueueUrl }))).Messages?.[0]?.Body).toBe('foobar');
    });
  });
}
