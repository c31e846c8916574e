import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { uniqueQueueName } from '../servers.js';
import type { TargetRef } from './index.js';

/** Queue operations: create (idempotent), URLs and ARNs, listing, attributes, purge, delete. */
export function defineQueueContract(target: TargetRef): void {
  describe('queues', () => {
    it('creates a queue whose URL is on the endpoint under the account id and whose ARN names the region', async () => {
      const { client, url } = target();
      const QueueName = uniqueQueueName('create');
      const created = await client.send(new CreateQueueCommand({ QueueName }));
      expect(created.QueueUrl).toBe(`${url}/000000000000/${QueueName}`);
      const byName = await client.send(new GetQueueUrlCommand({ QueueName }));
      expect(byName.QueueUrl).toBe(created.QueueUrl);
      const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: created.QueueUrl, AttributeNames: ['All'] }));
      expect(Attributes).toMatchObject({
        QueueArn: `arn:aws:sqs:us-east-1:000000000000:${QueueName}`,
        VisibilityTimeout: '30',
        MessageRetentionPeriod: '345600',
        MaximumMessageSize: '1048576',
        DelaySeconds: '0',
        ReceiveMessageWaitTimeSeconds: '0',
        ApproximateNumberOfMessages: '0',
        ApproximateNumberOfMessagesNotVisible: '0',
        ApproximateNumberOfMessagesDelayed: '0',
      });
      expect(Number(Attributes?.CreatedTimestamp)).toBeGreaterThan(Date.now() / 1000 - 60);
    });

    it('answers the same URL when a queue is created again with the same attributes, and QueueAlreadyExists with a different one', async () => {
      const { client } = target();
      const QueueName = uniqueQueueName('idempotent');
      const first = await client.send(new CreateQueueCommand({ QueueName, Attributes: { DelaySeconds: '1', VisibilityTimeout: '7' } }));
      expect((await client.send(new CreateQueueCommand({ QueueName }))).QueueUrl).toBe(first.QueueUrl);
      expect((await client.send(new CreateQueueCommand({ QueueName, Attributes: { DelaySeconds: '1' } }))).QueueUrl).toBe(first.QueueUrl);
      await expect(client.send(new CreateQueueCommand({ QueueName, Attributes: { DelaySeconds: '2' } }))).rejects.toMatchObject({
        name: 'QueueNameExists',
        Code: 'QueueAlreadyExists',
        message: 'A queue already exists with the same name and a different value for attribute DelaySeconds',
        $metadata: { httpStatusCode: 400 },
      });
    });

    it('refuses invalid queue names with InvalidParameterValue and creates nothing', async () => {
      const { client } = target();
      const prefix = uniqueQueueName('badname');
      for (const QueueName of [`${prefix}/x`, `${prefix} x`, 'a'.repeat(81), `${prefix}.fifo`, `${prefix}.x`]) {
        await expect(client.send(new CreateQueueCommand({ QueueName }))).rejects.toMatchObject({
          name: 'InvalidParameterValue',
          $metadata: { httpStatusCode: 400 },
        });
      }
      await expect(client.send(new CreateQueueCommand({ QueueName: prefix, Attributes: { FifoQueue: 'true' } }))).rejects.toMatchObject({
        name: 'InvalidParameterValue',
      });
      const listed = await client.send(new ListQueuesCommand({ QueueNamePrefix: prefix }));
      expect(listed.QueueUrls ?? []).toEqual([]);
    });

    it('refuses bad attribute values and unknown attributes, creating and changing nothing', async () => {
      const { client } = target();
      const QueueName = uniqueQueueName('badattr');
      for (const Attributes of [{ VisibilityTimeout: '43201' }, { MessageRetentionPeriod: '59' }, { MaximumMessageSize: '1023' }, { DelaySeconds: 'x' }]) {
        await expect(client.send(new CreateQueueCommand({ QueueName, Attributes }))).rejects.toMatchObject({ name: 'InvalidAttributeValue' });
      }
      const unknownAttribute: Record<string, string> = { Colour: 'red' };
      await expect(client.send(new CreateQueueCommand({ QueueName, Attributes: unknownAttribute }))).rejects.toMatchObject({
        name: 'InvalidAttributeName',
        message: 'Unknown Attribute Colour.',
      });
      await expect(client.send(new GetQueueUrlCommand({ QueueName }))).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
      const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName }));
      await expect(
        client.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { VisibilityTimeout: '5', ReceiveMessageWaitTimeSeconds: '21' } })),
      ).rejects.toMatchObject({ name: 'InvalidAttributeValue' });
      await expect(client.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { ContentBasedDeduplication: 'true' } }))).rejects.toMatchObject({
        name: 'InvalidAttributeName',
      });
      const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['VisibilityTimeout'] }));
      expect(Attributes).toEqual({ VisibilityTimeout: '30' });
      await client.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { VisibilityTimeout: '5' } }));
      const changed = await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['VisibilityTimeout', 'DelaySeconds'] }));
      expect(changed.Attributes).toEqual({ VisibilityTimeout: '5', DelaySeconds: '0' });
      await expect(client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['Nope' as 'All'] }))).rejects.toMatchObject({
        name: 'InvalidAttributeName',
      });
    });

    it('lists queues by prefix, a page of MaxResults at a time with a NextToken', async () => {
      const { client } = target();
      const prefix = uniqueQueueName('list');
      const names = ['a', 'b', 'c', 'd', 'e'].map((suffix) => `${prefix}-${suffix}`);
      for (const QueueName of names) await client.send(new CreateQueueCommand({ QueueName }));
      const all = await client.send(new ListQueuesCommand({ QueueNamePrefix: prefix }));
      expect(all.QueueUrls?.map((u) => u.split('/').pop())).toEqual(names);
      expect(all.NextToken).toBeUndefined();
      const seen: string[] = [];
      let NextToken: string | undefined;
      do {
        const page = await client.send(new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 2, NextToken }));
        expect(page.QueueUrls!.length).toBeLessThanOrEqual(2);
        seen.push(...page.QueueUrls!.map((u) => u.split('/').pop()!));
        NextToken = page.NextToken;
      } while (NextToken);
      expect(seen).toEqual(names);
      await expect(client.send(new ListQueuesCommand({ MaxResults: 1001 }))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    });

    it('deletes a queue with its messages and refuses its name for 60 s', async () => {
      const { client } = target();
      const QueueName = uniqueQueueName('delete');
      const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName }));
      await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'gone' }));
      await client.send(new DeleteQueueCommand({ QueueUrl }));
      await expect(client.send(new ReceiveMessageCommand({ QueueUrl }))).rejects.toMatchObject({
        name: 'QueueDoesNotExist',
        Code: 'AWS.SimpleQueueService.NonExistentQueue',
        message: 'The specified queue does not exist.',
        $metadata: { httpStatusCode: 400 },
      });
      await expect(client.send(new CreateQueueCommand({ QueueName }))).rejects.toMatchObject({ name: 'QueueDeletedRecently' });
    });

    it('purges every message, and refuses a second purge within 60 s with PurgeQueueInProgress (403)', async () => {
      const { client } = target();
      const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: uniqueQueueName('purge') }));
      await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'one' }));
      await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'two', DelaySeconds: 60 }));
      await client.send(new ReceiveMessageCommand({ QueueUrl }));
      await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'three' }));
      await client.send(new PurgeQueueCommand({ QueueUrl }));
      const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
      expect(Attributes).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0', ApproximateNumberOfMessagesDelayed: '0' });
      await expect(client.send(new PurgeQueueCommand({ QueueUrl }))).rejects.toMatchObject({
        name: 'PurgeQueueInProgress',
        $metadata: { httpStatusCode: 403 },
      });
    });
  });
}
