import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { prepareAwsCli, type AwsCli } from './s3/awscli.js';
import { makeTempDir, startOurSns, type OurSnsTarget } from './sns/servers.js';
import { SnsDocument, verifySnsSignature } from './sns/verify.js';

const TopicAnswer = z.object({ TopicArn: z.string() });
const SubscribeAnswer = z.object({ SubscriptionArn: z.string() });
const QueueArnAnswer = z.object({ Attributes: z.object({ QueueArn: z.string() }) });
const ReceiveAnswer = z.object({
  Messages: z
    .array(
      z.object({
        MessageId: z.string(),
        ReceiptHandle: z.string(),
        Body: z.string(),
        MessageAttributes: z.record(z.string(), z.object({ DataType: z.string(), StringValue: z.string().optional() })).optional(),
      }),
    )
    .optional(),
});
const TopicsAnswer = z.object({ Topics: z.array(z.object({ TopicArn: z.string() })) });
const SubscriptionsAnswer = z.object({ Subscriptions: z.array(z.object({ SubscriptionArn: z.string(), Protocol: z.string(), Endpoint: z.string() })) });

const TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:test-topic';

// Debian's awscli 2.9 speaks SNS's query protocol with its own SigV4 signer: an independent client
// for the service the SDK suites test. The RustStack acceptance commands (seeds/ruststack-phase1.txt,
// task 1.4 step 6) are run as written, with --endpoint-url added (awscli 2.9 does not read AWS_ENDPOINT_URL).
describe('SNS with awscli (query protocol)', () => {
  const tmp = makeTempDir('sns-awscli-');
  let target: OurSnsTarget;
  let cli: AwsCli;
  const json = async <T extends z.ZodType>(schema: T, ...args: string[]): Promise<z.infer<T>> => schema.parse(JSON.parse((await cli.run(...args)) || '{}'));
  const receiveAll = async (queueUrl: string) => {
    const { Messages } = await json(ReceiveAnswer, 'sqs', 'receive-message', '--queue-url', queueUrl, '--max-number-of-messages', '10', '--message-attribute-names', 'All');
    for (const message of Messages ?? []) await cli.run('sqs', 'delete-message', '--queue-url', queueUrl, '--receipt-handle', message.ReceiptHandle);
    return Messages ?? [];
  };

  beforeAll(async () => {
    target = await startOurSns(tmp.dir);
    cli = prepareAwsCli(target);
  });
  afterAll(async () => {
    cli.cleanup();
    await target.close();
    tmp.remove();
  });

  it('runs the RustStack acceptance commands: the queue-URL subscribe is refused as AWS refuses it, the queue ARN fans out', { timeout: 90_000 }, async () => {
    await cli.run('sqs', 'create-queue', '--queue-name', 'test-queue');
    expect(await json(TopicAnswer, 'sns', 'create-topic', '--name', 'test-topic')).toEqual({ TopicArn: TOPIC_ARN });
    const queueUrl = `${target.url}/000000000000/test-queue`;
    // As written in the seed: AWS answers a queue URL with InvalidParameter "SQS endpoint ARN"
    // (recorded against AWS: localstack test_sns.snapshot.json, test_subscribe_to_sqs_with_queue_url).
    const byUrl = await cli.attempt('sns', 'subscribe', '--topic-arn', TOPIC_ARN, '--protocol', 'sqs', '--notification-endpoint', queueUrl);
    expect(byUrl.code).not.toBe(0);
    expect(byUrl.stderr).toContain('An error occurred (InvalidParameter) when calling the Subscribe operation: Invalid parameter: SQS endpoint ARN');
    const { Attributes } = await json(QueueArnAnswer, 'sqs', 'get-queue-attributes', '--queue-url', queueUrl, '--attribute-names', 'QueueArn');
    expect(Attributes.QueueArn).toBe('arn:aws:sqs:us-east-1:000000000000:test-queue');
    const { SubscriptionArn } = await json(SubscribeAnswer, 'sns', 'subscribe', '--topic-arn', TOPIC_ARN, '--protocol', 'sqs', '--notification-endpoint', Attributes.QueueArn);
    expect(SubscriptionArn).toMatch(/^arn:aws:sns:us-east-1:000000000000:test-topic:[0-9a-f-]{36}$/);

    const published = await json(z.object({ MessageId: z.string() }), 'sns', 'publish', '--topic-arn', TOPIC_ARN, '--message', 'test message');
    const [received] = await receiveAll(queueUrl);
    const envelope = SnsDocument.parse(JSON.parse(received!.Body));
    expect(envelope).toMatchObject({ Type: 'Notification', MessageId: published.MessageId, TopicArn: TOPIC_ARN, Message: 'test message', SignatureVersion: '1' });
    expect(envelope.UnsubscribeURL).toBe(`${target.url}/?Action=Unsubscribe&SubscriptionArn=${SubscriptionArn}`);
    expect(await verifySnsSignature(envelope)).toBe(true);
    expect(await verifySnsSignature({ ...envelope, Message: 'tampered' })).toBe(false);
  });

  it('delivers the message itself, with its attributes as SQS message attributes, to a raw subscription', { timeout: 60_000 }, async () => {
    const queueUrl = `${target.url}/000000000000/test-queue`;
    const { Subscriptions } = await json(SubscriptionsAnswer, 'sns', 'list-subscriptions-by-topic', '--topic-arn', TOPIC_ARN);
    await cli.run('sns', 'set-subscription-attributes', '--subscription-arn', Subscriptions[0]!.SubscriptionArn, '--attribute-name', 'RawMessageDelivery', '--attribute-value', 'true');
    await cli.run('sns', 'publish', '--topic-arn', TOPIC_ARN, '--message', 'test message', '--message-attributes', '{"kind":{"DataType":"String","StringValue":"job-ended"}}');
    const [received] = await receiveAll(queueUrl);
    expect(received).toMatchObject({ Body: 'test message', MessageAttributes: { kind: { DataType: 'String', StringValue: 'job-ended' } } });
  });

  it('answers errors with their SNS codes and words, and stores nothing', { timeout: 60_000 }, async () => {
    const missing = await cli.attempt('sns', 'get-topic-attributes', '--topic-arn', 'arn:aws:sns:us-east-1:000000000000:no-such-topic');
    expect(missing.stderr).toContain('An error occurred (NotFound) when calling the GetTopicAttributes operation: Topic does not exist');
    const badName = await cli.attempt('sns', 'create-topic', '--name', 'bad name');
    expect(badName.stderr).toContain('(InvalidParameter) when calling the CreateTopic operation: Invalid parameter: Topic Name');
    const badProtocol = await cli.attempt('sns', 'subscribe', '--topic-arn', TOPIC_ARN, '--protocol', 'carrier-pigeon', '--notification-endpoint', 'x');
    expect(badProtocol.stderr).toContain('Invalid parameter: Amazon SNS does not support this protocol string: carrier-pigeon');
    const big = join(cli.workDir, 'big-message.txt');
    writeFileSync(big, 'x'.repeat(262_145));
    const tooLong = await cli.attempt('sns', 'publish', '--topic-arn', TOPIC_ARN, '--message', `file://${big}`);
    expect(tooLong.stderr).toContain('(InvalidParameter) when calling the Publish operation: Invalid parameter: Message too long');
    const { Topics } = await json(TopicsAnswer, 'sns', 'list-topics');
    expect(Topics.map((t) => t.TopicArn)).toEqual([TOPIC_ARN]);
    expect(await receiveAll(`${target.url}/000000000000/test-queue`)).toEqual([]);
  });

  it('keeps topics and subscriptions across a restart of the endpoint, and fans out after it', { timeout: 60_000 }, async () => {
    const port = target.port;
    await target.close();
    target = await startOurSns(tmp.dir, { credentials: target.credentials, port });
    const { Topics } = await json(TopicsAnswer, 'sns', 'list-topics');
    expect(Topics).toEqual([{ TopicArn: TOPIC_ARN }]);
    const { Subscriptions } = await json(SubscriptionsAnswer, 'sns', 'list-subscriptions');
    expect(Subscriptions).toEqual([expect.objectContaining({ Protocol: 'sqs', Endpoint: 'arn:aws:sqs:us-east-1:000000000000:test-queue' })]);
    await cli.run('sns', 'publish', '--topic-arn', TOPIC_ARN, '--message', 'after the restart');
    const received = await receiveAll(`${target.url}/000000000000/test-queue`);
    expect(received.map((m) => m.Body)).toEqual(['after the restart']);
  });
});
