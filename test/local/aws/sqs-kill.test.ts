import { ChangeMessageVisibilityCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, CreateQueueCommand, DeleteMessageBatchCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { connectClient, makeTempDir, sleep } from './sqs/servers.js';
import { spawnSqs } from './sqs/spawn.js';

describe('SQS durability of our endpoint', () => {
  it('loses no acknowledged message when its process is killed with SIGKILL mid-traffic, and keeps in-flight messages hidden', { timeout: 120_000 }, async () => {
    const tmp = makeTempDir('sqs-kill-');
    try {
      const first = await spawnSqs(tmp.dir);
      const before = connectClient(first.url, first.credentials);
      const { QueueUrl } = await before.send(new CreateQueueCommand({ QueueName: 'durable' }));
      const { QueueUrl: HiddenUrl } = await before.send(new CreateQueueCommand({ QueueName: 'in-flight' }));
      await before.send(new SendMessageCommand({ QueueUrl: HiddenUrl, MessageBody: 'hidden for ten minutes' }));
      await before.send(new SendMessageCommand({ QueueUrl: HiddenUrl, MessageBody: 'hidden for one second' }));
      const hidden = await before.send(new ReceiveMessageCommand({ QueueUrl: HiddenUrl, MaxNumberOfMessages: 2, VisibilityTimeout: 600 }));
      expect(hidden.Messages).toHaveLength(2);
      const short = hidden.Messages!.find((m) => m.Body === 'hidden for one second')!;
      await before.send(new ChangeMessageVisibilityCommand({ QueueUrl: HiddenUrl, ReceiptHandle: short.ReceiptHandle, VisibilityTimeout: 1 }));

      // Eight senders (single messages and batches) until 400 messages are acknowledged,
      // then the process is killed while their next requests are in flight.
      const acknowledged = new Set<string>();
      let killed = false;
      const sender = async (worker: number) => {
        for (let i = 0; !killed; i++) {
          try {
            if (worker % 2 === 0) {
              acknowledged.add((await before.send(new SendMessageCommand({ QueueUrl, MessageBody: `w${worker}-${i}` }))).MessageId!);
            } else {
              const entries = [0, 1, 2].map((j) => ({ Id: `e${j}`, MessageBody: `w${worker}-${i}-${j}` }));
              const answer = await before.send(new SendMessageBatchCommand({ QueueUrl, Entries: entries }));
              for (const entry of answer.Successful ?? []) acknowledged.add(entry.MessageId!);
            }
          } catch {
            return; // the connection died with the process
          }
          if (acknowledged.size >= 400 && !killed) {
            killed = true;
            first.child.kill('SIGKILL');
          }
        }
      };
      await Promise.all(Array.from({ length: 8 }, (_, worker) => sender(worker)));
      await first.stop();
      before.destroy();
      expect(first.child.signalCode).toBe('SIGKILL');

      const second = await spawnSqs(tmp.dir);
      const after = connectClient(second.url, second.credentials);
      try {
        // The message hidden for a second has become visible across the restart; the other is still hidden.
        await sleep(1000);
        const visibleAgain = await after.send(new ReceiveMessageCommand({ QueueUrl: HiddenUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
        expect(visibleAgain.Messages?.map((m) => m.Body)).toEqual(['hidden for one second']);
        expect(visibleAgain.Messages?.[0]?.MessageId).toBe(short.MessageId);
        expect(visibleAgain.Messages?.[0]?.Attributes).toEqual({ ApproximateReceiveCount: '2' });

        const received = new Set<string>();
        for (;;) {
          const { Messages } = await after.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
          if (!Messages || Messages.length === 0) break;
          for (const message of Messages) received.add(message.MessageId!);
          await after.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) }));
        }
        const lost = [...acknowledged].filter((id) => !received.has(id));
        expect(lost).toEqual([]);
        expect(acknowledged.size).toBeGreaterThanOrEqual(400);
      } finally {
        after.destroy();
        await second.stop();
      }
    } finally {
      tmp.remove();
    }
  });
});
