import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startLocalAws, type LocalAws } from '../../../local/aws/index.js';
import { makeTempDir, sleep } from './sns/servers.js';
import { verifySnsSignature } from './sns/verify.js';

const HANDLER = fileURLToPath(new URL('./sns/record-event.mjs', import.meta.url));
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:on-sns';

// The event a function subscribed to a topic receives (https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html).
const SnsEvent = z.object({
  Records: z.array(
    z.object({
      EventSource: z.literal('aws:sns'),
      EventVersion: z.literal('1.0'),
      EventSubscriptionArn: z.string(),
      Sns: z
        .object({
          Type: z.literal('Notification'),
          MessageId: z.string(),
          TopicArn: z.string(),
          Subject: z.string().nullable(),
          Message: z.string(),
          Timestamp: z.string(),
          SignatureVersion: z.enum(['1', '2']),
          Signature: z.string(),
          SigningCertUrl: z.string(),
          UnsubscribeUrl: z.string(),
          MessageAttributes: z.record(z.string(), z.object({ Type: z.string(), Value: z.string() })),
        })
        .strict(),
    }),
  ),
});

// A lambda subscription against the whole local endpoint (startLocalAws): the topic invokes a
// registered function asynchronously, in a real worker process, with the SNS event shape.
describe('SNS lambda subscriptions', () => {
  const tmp = makeTempDir('sns-lambda-');
  const eventsFile = join(tmp.dir, 'events.jsonl');
  const errors: string[] = [];
  let aws: LocalAws;
  let sns: SNSClient;

  beforeAll(async () => {
    aws = await startLocalAws({ dataDir: join(tmp.dir, 'data'), port: 0, logError: (message) => errors.push(message) });
    (await aws.loadLambda()).registerFunction({ name: 'on-sns', module: HANDLER, timeoutSeconds: 30, env: { SNS_EVENTS_FILE: eventsFile, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
    sns = new SNSClient({ endpoint: aws.endpoint, region: 'us-east-1', credentials: aws.credentials, maxAttempts: 1 });
  });
  afterAll(async () => {
    sns.destroy();
    await aws.close();
    tmp.remove();
  });

  it('invokes a subscribed function with Records[0].Sns, signed, once per message', { timeout: 60_000 }, async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'to-lambda' }));
    const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'lambda', Endpoint: FUNCTION_ARN }));
    expect(SubscriptionArn).toMatch(new RegExp(`^${TopicArn}:`));
    const { MessageId } = await sns.send(
      new PublishCommand({ TopicArn, Message: '{"uid":"abc","exit":0}', MessageAttributes: { kind: { DataType: 'String', StringValue: 'job-ended' } } }),
    );
    for (let i = 0; i < 200 && !existsSync(eventsFile); i++) await sleep(100);
    await (await aws.loadSns()).idle();
    await sleep(500);
    const lines = readFileSync(eventsFile, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    const event = SnsEvent.parse(JSON.parse(lines[0]!));
    const record = event.Records[0]!;
    expect(record.EventSubscriptionArn).toBe(SubscriptionArn);
    expect(record.Sns).toMatchObject({ MessageId, TopicArn, Subject: null, Message: '{"uid":"abc","exit":0}', MessageAttributes: { kind: { Type: 'String', Value: 'job-ended' } } });
    const { SigningCertUrl, UnsubscribeUrl, ...rest } = record.Sns;
    expect(UnsubscribeUrl).toBe(`${aws.endpoint}/?Action=Unsubscribe&SubscriptionArn=${SubscriptionArn}`);
    expect(await verifySnsSignature({ ...rest, Subject: undefined, SigningCertURL: SigningCertUrl, MessageAttributes: undefined })).toBe(true);
  });

  it('drops, and reports, a delivery to a function that is not registered, and answers the publish', { timeout: 30_000 }, async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'to-nowhere' }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'lambda', Endpoint: 'arn:aws:lambda:us-east-1:000000000000:function:missing' }));
    await sns.send(new PublishCommand({ TopicArn, Message: 'lost' }));
    await (await aws.loadSns()).idle();
    expect(errors.some((line) => line.includes('dropped a delivery') && line.includes('ResourceNotFoundException'))).toBe(true);
    expect((await aws.loadSns()).pendingDeliveries()).toBe(0);
  });
});
