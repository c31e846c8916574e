/*
 * An example consumer of the project's queue of job end events (README, "Job events"): prints
 * one line per ended job, then deletes its message. Run it beside the local runtime as is
 * (it reads ./.aws-exec/local.json, or AWS_EXEC_DATA_DIR's), or against AWS with your
 * credentials and EVENT_QUEUE_URL set:
 *
 *   node --import tsx scripts/consume-events.ts [--json] [--max N]
 *
 * The queue delivers at least once: a consumer may see an event twice (the same `event-id`
 * message attribute, the webhook's `webhook-id`), so what it does with one must be idempotent.
 * A message it cannot read is left in the queue: it comes back after the visibility timeout.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { JobEndedEvent } from '../protocol/index.js';

/** Where the queue is and how to reach it: the local runtime's local.json, else the environment. */
function resolveQueue(env: NodeJS.ProcessEnv): { queueUrl: string; client: SQSClientConfig } {
  const localJson = join(resolve(env.AWS_EXEC_DATA_DIR ?? '.aws-exec'), 'local.json');
  if (env.EVENT_QUEUE_URL) return { queueUrl: env.EVENT_QUEUE_URL, client: { useQueueUrlAsEndpoint: false } };
  if (!existsSync(localJson)) throw new Error(`Expected EVENT_QUEUE_URL (the queue of infra.yaml) or a local runtime's ${localJson}`);
  const local = JSON.parse(readFileSync(localJson, 'utf8')) as { awsEndpoint: string; region: string; accessKeyId: string; secretAccessKey: string };
  const project = env.PROJECT_NAME ?? 'aws-exec';
  return {
    queueUrl: `${local.awsEndpoint}/000000000000/${project}-events`,
    client: { endpoint: local.awsEndpoint, region: local.region, credentials: { accessKeyId: local.accessKeyId, secretAccessKey: local.secretAccessKey } },
  };
}

async function consume(argv: string[]): Promise<void> {
  const json = argv.includes('--json');
  const maxAt = argv.indexOf('--max');
  const max = maxAt >= 0 ? Number(argv[maxAt + 1]) : Number.POSITIVE_INFINITY;
  const { queueUrl, client } = resolveQueue(process.env);
  const sqs = new SQSClient(client);
  let handled = 0;
  try {
    while (handled < max) {
      // Long polling: the call returns as soon as a message arrives, or empty after 20 s.
      const answer = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 20, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }));
      for (const message of answer.Messages ?? []) {
        const parsed = JobEndedEvent.safeParse(JSON.parse(message.Body ?? 'null'));
        if (!parsed.success) {
          console.error(`skipped a message that is no job end event: ${message.MessageId ?? ''}`);
          continue;
        }
        const { data } = parsed.data;
        const command = data.command.kind === 'argv' ? data.command.program : data.command['rpc-name'];
        console.log(json ? JSON.stringify(data) : `${data.uid} ${data['auth-name']} ${command} exit ${data.exit} after ${data['duration-ms']} ms`);
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
        handled++;
      }
    }
  } finally {
    sqs.destroy();
  }
}

await consume(process.argv.slice(2));
