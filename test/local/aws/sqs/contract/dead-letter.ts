import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { uniqueQueueName } from '../servers.js';
import type { TargetRef } from './index.js';

/** Dead-letter queues: redrive after maxReceiveCount receives. */
export function defineDeadLetterContract(target: TargetRef): void {
  describe('dead-letter queues', () => {
    it('moves a message received maxReceiveCount times into the dead-letter queue named by its ARN', async () => {
      const { client } = target();
      const dlq = await client.send(new CreateQueueCommand({ QueueName: uniqueQueueName('dlq') }));
      const dlqArn = (await client.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
      const source = await client.send(
        new CreateQueueCommand({
          QueueName: uniqueQueueName('source'),
          Attributes: { VisibilityTimeout: '0', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: '2' }) },
        }),
      );
      const sourceArn = (await client.send(new GetQueueAttributesCommand({ QueueUrl: source.QueueUrl, AttributeNames: ['QueueArn', 'RedrivePolicy'] }))).Attributes!;
      expect(JSON.parse(sourceArn.RedrivePolicy!)).toEqual({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 });
      const sent = await client.send(new SendMessageCommand({ QueueUrl: source.QueueUrl, MessageBody: 'poison', MessageAttributes: { MyAttribute: { DataType: 'String', StringValue: 'foobar' } } }));
      for (let i = 0; i < 2; i++) {
        const { Messages } = await client.send(new ReceiveMessageCommand({ QueueUrl: source.QueueUrl }));
        expect(Messages?.[0]?.MessageId).toBe(sent.MessageId);
      }
      expect((await client.send(new ReceiveMessageCommand({ QueueUrl: source.QueueUrl }))).Messages ?? []).toEqual([]);
      const { Messages } = await client.send(
        new ReceiveMessageCommand({ QueueUrl: dlq.QueueUrl, WaitTimeSeconds: 2, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }),
      );
      expect(Messages?.[0]).toMatchObject({
        MessageId: sent.MessageId,
        Body: 'poison',
        MD5OfMessageAttributes: 'adb59cd4678ea5a855436b949cd07ab6',
        Attributes: { ApproximateReceiveCount: '3', DeadLetterQueueSourceArn: sourceArn.QueueArn },
      });
    });

    it('refuses a redrive policy whose dead-letter queue does not exist or is of the other type', async () => {
      const { client } = target();
      const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: uniqueQueueName('redrive') }));
      const missing = JSON.stringify({ deadLetterTargetArn: `arn:aws:sqs:us-east-1:000000000000:${uniqueQueueName('missing')}`, maxReceiveCount: 1 });
      await expect(client.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { RedrivePolicy: missing } }))).rejects.toMatchObject({
        name: 'InvalidParameterValue',
      });
      const fifo = await client.send(new CreateQueueCommand({ QueueName: uniqueQueueName('fifo-dlq', true), Attributes: { FifoQueue: 'true' } }));
      const fifoArn = (await client.send(new GetQueueAttributesCommand({ QueueUrl: fifo.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
      const other = JSON.stringify({ deadLetterTargetArn: fifoArn, maxReceiveCount: 1 });
      await expect(client.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { RedrivePolicy: other } }))).rejects.toMatchObject({
        name: 'InvalidParameterValue',
      });
      const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
      expect(Attributes).not.toHaveProperty('RedrivePolicy');
    });
  });
}
