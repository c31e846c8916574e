import { fileURLToPath } from 'node:url';
import {
  ConfirmSubscriptionCommand,
  CreateTopicCommand,
  ListSubscriptionsCommand,
  PublishBatchCommand,
  PublishCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { startReceiver } from './sns/receiver.js';
import { makeTempDir, sleep } from './sns/servers.js';
import { SnsDocument } from './sns/verify.js';
import { spawnSqs, type SpawnedSqs } from './sqs/spawn.js';

const SCRIPT = fileURLToPath(new URL('./sns/endpoint-process.ts', import.meta.url));

function clientsOf(endpoint: SpawnedSqs) {
  const common = { endpoint: endpoint.url, region: 'us-east-1', credentials: endpoint.credentials, maxAttempts: 1 };
  return { sns: new SNSClient(common), sqs: new SQSClient(common) };
}

describe('SNS durability of our endpoint', () => {
  it('loses no acknowledged publish when its process is killed with SIGKILL mid-traffic: queued deliveries are in SQS, HTTP ones are made after the restart', { timeout: 120_000 }, async () => {
    const tmp = makeTempDir('sns-kill-');
    const receiver = await startReceiver();
    try {
      const first = await spawnSqs(tmp.dir, SCRIPT);
      const before = clientsOf(first);
      const { QueueUrl } = await before.sqs.send(new CreateQueueCommand({ QueueName: 'fanout' }));
      const { TopicArn } = await before.sns.send(new CreateTopicCommand({ Name: 'jobs' }));
      await before.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: 'arn:aws:sqs:us-east-1:000000000000:fanout' }));
      // An HTTP subscription whose endpoint fails until after the restart (retried every second).
      const { TopicArn: HookTopic } = await before.sns.send(new CreateTopicCommand({ Name: 'hooks' }));
      const policy = { healthyRetryPolicy: { numRetries: 100, minDelayTarget: 1, maxDelayTarget: 1 } };
      await before.sns.send(new SubscribeCommand({ TopicArn: HookTopic, Protocol: 'http', Endpoint: receiver.url, Attributes: { DeliveryPolicy: JSON.stringify(policy) } }));
      const [confirmation] = await receiver.waitFor(1);
      const { Token } = SnsDocument.parse(JSON.parse(confirmation!.body));
      await before.sns.send(new ConfirmSubscriptionCommand({ TopicArn: HookTopic, Token: Token! }));
      receiver.answer = () => 503;
      const hookIds: string[] = [];
      for (const Message of ['hook 1', 'hook 2', 'hook 3']) hookIds.push((await before.sns.send(new PublishCommand({ TopicArn: HookTopic, Message }))).MessageId!);
      await receiver.waitFor(1 + 3);

      // Eight publishers (single messages and batches) until 300 publishes are acknowledged,
      // then the process is killed while their next requests are in flight.
      const acknowledged = new Set<string>();
      let killed = false;
      const publisher = async (worker: number) => {
        for (let i = 0; !killed; i++) {
          try {
            if (worker % 2 === 0) {
              acknowledged.add((await before.sns.send(new PublishCommand({ TopicArn, Message: `w${worker}-${i}` }))).MessageId!);
            } else {
              const entries = [0, 1, 2].map((j) => ({ Id: `e${j}`, Message: `w${worker}-${i}-${j}` }));
              const answer = await before.sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: entries }));
              for (const entry of answer.Successful ?? []) acknowledged.add(entry.MessageId!);
            }
          } catch {
            return; // the connection died with the process
          }
          if (acknowledged.size >= 300 && !killed) {
            killed = true;
            first.child.kill('SIGKILL');
          }
        }
      };
      await Promise.all(Array.from({ length: 8 }, (_, worker) => publisher(worker)));
      await first.stop();
      before.sns.destroy();
      before.sqs.destroy();
      expect(first.child.signalCode).toBe('SIGKILL');

      receiver.answer = () => 200;
      const answeredFrom = receiver.received.length;
      const second = await spawnSqs(tmp.dir, SCRIPT);
      const after = clientsOf(second);
      try {
        const { Subscriptions } = await after.sns.send(new ListSubscriptionsCommand({}));
        expect(Subscriptions?.map((s) => s.Protocol).sort()).toEqual(['http', 'sqs']);
        const received = new Set<string>();
        for (;;) {
          const { Messages } = await after.sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
          if (!Messages?.length) break;
          for (const message of Messages) received.add(SnsDocument.parse(JSON.parse(message.Body!)).MessageId);
          await after.sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })) }));
        }
        expect([...acknowledged].filter((id) => !received.has(id))).toEqual([]);
        expect(acknowledged.size).toBeGreaterThanOrEqual(300);

        const deadline = Date.now() + 20_000;
        const delivered = () =>
          new Set(receiver.received.slice(answeredFrom).filter((r) => r.headers['x-amz-sns-message-type'] === 'Notification').map((r) => r.headers['x-amz-sns-message-id']));
        while (hookIds.some((id) => !delivered().has(id)) && Date.now() < deadline) await sleep(200);
        expect(hookIds.filter((id) => !delivered().has(id))).toEqual([]);
      } finally {
        after.sns.destroy();
        after.sqs.destroy();
        await second.stop();
      }
    } finally {
      await receiver.close();
      tmp.remove();
    }
  });
});
