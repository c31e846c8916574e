/**
 * A load process of the SNS benchmark, forked by bench/sns.ts. Told `publish`, it runs `workers`
 * loops of Publish (256-byte messages) for the time given and answers how many were acknowledged
 * and when (wall clock, ms) the first was sent and the last acknowledged;
 * told `latency`, it runs one loop of Publish → ReceiveMessage (long poll) → DeleteMessage and
 * answers the time from sending each Publish to receiving its message, in milliseconds.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';

const Run = z.object({
  kind: z.enum(['publish', 'latency']),
  url: z.string(),
  credentials: z.object({ accessKeyId: z.string(), secretAccessKey: z.string() }),
  topicArn: z.string(),
  queueUrl: z.string(),
  workers: z.number().int().positive(),
  durationMs: z.number().int().positive(),
});
type Run = z.infer<typeof Run>;

const message = 'x'.repeat(256);

async function publishLoop(sns: SNSClient, topicArn: string, until: number): Promise<number> {
  let acknowledged = 0;
  while (Date.now() < until) {
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: message }));
    acknowledged++;
  }
  return acknowledged;
}

async function latencyLoop(sns: SNSClient, sqs: SQSClient, run: Run): Promise<number[]> {
  const until = Date.now() + run.durationMs;
  const latencies: number[] = [];
  while (Date.now() < until) {
    const receiving = sqs.send(new ReceiveMessageCommand({ QueueUrl: run.queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 5 }));
    const started = performance.now();
    await sns.send(new PublishCommand({ TopicArn: run.topicArn, Message: message }));
    let { Messages } = await receiving;
    while (!Messages?.length) ({ Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: run.queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 5 })));
    latencies.push(performance.now() - started);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: run.queueUrl, ReceiptHandle: Messages[0]!.ReceiptHandle }));
  }
  return latencies;
}

async function publishAll(sns: SNSClient, run: Run): Promise<{ completed: number; startedAt: number; endedAt: number }> {
  const startedAt = Date.now();
  const counts = await Promise.all(Array.from({ length: run.workers }, () => publishLoop(sns, run.topicArn, startedAt + run.durationMs)));
  return { completed: counts.reduce((a, b) => a + b, 0), startedAt, endedAt: Date.now() };
}

process.on('message', (raw: unknown) => {
  const run = Run.parse(raw);
  const common = { endpoint: run.url, region: 'us-east-1', credentials: run.credentials, maxAttempts: 1 };
  const sns = new SNSClient(common);
  const sqs = new SQSClient(common);
  const done = (reply: object) => {
    sns.destroy();
    sqs.destroy();
    process.send?.(reply);
  };
  const work =
    run.kind === 'latency'
      ? latencyLoop(sns, sqs, run).then((latencies) => ({ latencies }))
      : publishAll(sns, run);
  work.then(done, (error: unknown) => done({ error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }));
});
