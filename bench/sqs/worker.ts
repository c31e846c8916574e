/**
 * A load process of the SQS benchmark: forked by bench/sqs.ts, it runs `workers` loops of
 * SendMessage → ReceiveMessage → DeleteMessage against one queue for the time it is told and
 * answers how many messages went through the whole cycle.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';

const Run = z.object({
  url: z.string(),
  credentials: z.object({ accessKeyId: z.string(), secretAccessKey: z.string() }),
  queueUrl: z.string(),
  workers: z.number().int().positive(),
  durationMs: z.number().int().positive(),
});

const body = 'x'.repeat(256);

async function runLoop(client: SQSClient, queueUrl: string, until: number): Promise<number> {
  let completed = 0;
  while (Date.now() < until) {
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    const { Messages } = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }));
    for (const message of Messages ?? []) {
      await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
      completed++;
    }
  }
  return completed;
}

process.on('message', (raw: unknown) => {
  const run = Run.parse(raw);
  const client = new SQSClient({ endpoint: run.url, region: 'us-east-1', credentials: run.credentials, maxAttempts: 1 });
  const until = Date.now() + run.durationMs;
  void Promise.all(Array.from({ length: run.workers }, () => runLoop(client, run.queueUrl, until))).then(
    (counts) => {
      client.destroy();
      process.send?.({ completed: counts.reduce((a, b) => a + b, 0) });
    },
    (error: unknown) => {
      client.destroy();
      process.send?.({ error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    },
  );
});
