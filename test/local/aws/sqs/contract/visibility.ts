import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { sleep, uniqueQueueName } from '../servers.js';
import type { TargetRef } from './index.js';

/** Visibility timeouts, redelivery, receipt handles, deletion. */
export function defineVisibilityContract(target: TargetRef): void {
  describe('visibility', () => {
    it('redelivers a message whose visibility timeout ran out, with a new receipt handle and ApproximateReceiveCount 2', async () => {
      const { client } = target();
      const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: uniqueQueueName('redeliver'), Attributes: { VisibilityTimeout: '1' } }));
      await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'again' }));
      const first = (await client.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }))).Messages![0]!;
      expect(first.Attributes).toEqual({ ApproximateReceiveCount: '1' });
      expect((await client.send(new ReceiveMessageCommand({ QueueUrl }))).Messages ?? []).toEqual([]);
      const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessagesNotVisible'] }));
      expect(Attributes).toEqual({ ApproximateNumberOfMessagesNotVisible: '1' });
      await sleep(1100);
      const second = (
        await client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 2, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }))
      ).Messages![0]!;
      expect(second.MessageId).toBe(first.MessageId);
      expect(second.ReceiptHandle).not.toBe(first.ReceiptHandle);
      expect(second.Attributes).toEqual({ ApproximateReceiveCount: '2' });
      // A stale handle (from before the redelivery) still deletes the message of a standard queue.
      await client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: first.ReceiptHandle }));
      await client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: second.ReceiptHandle }));
      const after = await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
      expect(after.Attributes).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
    });

    it('uses the VisibilityTimeout of a receive over the queue\'s, and makes a message visible again at once with ChangeMessageVisibility 0', async () => {
      const { client } = target();
      const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: uniqueQueueName('change') }));
      await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'change me' }));
      const received = (await client.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 600 }))).Messages![0]!;
      await client.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: received.ReceiptHandle, VisibilityTimeout: 0 }));
      const again = (await client.send(new ReceiveMessageCommand({ QueueUrl }))).Messages![0]!;
      expect(again.MessageId).toBe(received.MessageId);
      // The first handle is no longer the message's latest: it cannot change the visibility.
      await expect(
        client.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: received.ReceiptHandle, VisibilityTimeout: 10 })),
      ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
      await client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: again.ReceiptHandle }));
      await client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: again.ReceiptHandle }));
      await expect(
        client.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: again.ReceiptHandle, VisibilityTimeout: 10 })),
      ).rejects.toMatchObject({
        name: 'InvalidParameterValue',
        message: `Value ${again.ReceiptHandle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
      });
    });

    it('refuses a receipt handle that is not one with ReceiptHandleIsInvalid', async () => {
      const { client } = target();
      const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: uniqueQueueName('garbage') }));
      await expect(client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: 'garbage' }))).rejects.toMatchObject({
        name: 'ReceiptHandleIsInvalid',
        message: 'The input receipt handle "garbage" is not a valid receipt handle.',
      });
      await expect(client.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: 'garbage', VisibilityTimeout: 1 }))).rejects.toMatchObject({
        name: 'ReceiptHandleIsInvalid',
      });
    });

    it('deletes and changes visibility in batches, answering each entry on its own', async () => {
      const { client } = target();
      const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: uniqueQueueName('batches') }));
      for (const body of ['a', 'b', 'c']) await client.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
      const { Messages } = await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
      expect(Messages).toHaveLength(3);
      const [m1, m2, m3] = Messages!;
      const changed = await client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl,
          Entries: [
            { Id: 'one', ReceiptHandle: m1!.ReceiptHandle, VisibilityTimeout: 0 },
            { Id: 'bad', ReceiptHandle: 'garbage', VisibilityTimeout: 0 },
          ],
        }),
      );
      expect(changed.Successful).toEqual([{ Id: 'one' }]);
      expect(changed.Failed).toMatchObject([{ Id: 'bad', SenderFault: true, Code: 'ReceiptHandleIsInvalid' }]);
      const deleted = await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl,
          Entries: [
            { Id: 'two', ReceiptHandle: m2!.ReceiptHandle },
            { Id: 'three', ReceiptHandle: m3!.ReceiptHandle },
            { Id: 'junk', ReceiptHandle: 'junk' },
          ],
        }),
      );
      expect(deleted.Successful?.map((e) => e.Id)).toEqual(['two', 'three']);
      expect(deleted.Failed?.map((e) => e.Id)).toEqual(['junk']);
      const left = await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
      expect(left.Messages?.map((m) => m.Body)).toEqual([m1!.Body]);
      await expect(client.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: [] }))).rejects.toMatchObject({ name: 'EmptyBatchRequest' });
    });
  });
}
