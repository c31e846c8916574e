import {
  CreateTopicCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsCommand,
  ListTopicsCommand,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRaw, type RawResponse } from './s3/raw.js';
import { makeTempDir, REGION, startOurSns, type OurSnsTarget } from './sns/servers.js';

const TOPIC = 'arn:aws:sns:us-east-1:000000000000:guarded';
const QUEUE = 'arn:aws:sqs:us-east-1:000000000000:guarded-queue';

// Bad input gets SNS's real errors (codes, statuses and words recorded against AWS: localstack
// tests/aws/services/sns/test_sns.snapshot.json) and changes nothing: after every refusal the
// topic, its one subscription and its queue are as they were.
describe('SNS answers bad input with the real errors and stores nothing', () => {
  const tmp = makeTempDir('sns-bad-');
  let t: OurSnsTarget;
  let queueUrl = '';

  const signedForm = async (body: string, contentType = 'application/x-www-form-urlencoded; charset=utf-8'): Promise<RawResponse> => {
    const signer = new SignatureV4({ service: 'sns', region: REGION, credentials: t.credentials, sha256: Hash.bind(null, 'sha256') });
    const port = t.port;
    const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port, path: '/', headers: { host: `127.0.0.1:${port}`, 'content-type': contentType }, body });
    return sendRaw({ port, method: 'POST', path: '/', headers: signed.headers as Record<string, string>, body });
  };
  const refusal = async (attempt: Promise<unknown>) => {
    try {
      await attempt;
    } catch (error) {
      const failed = error as Error & { $metadata: { httpStatusCode?: number }; Code?: string };
      return { name: failed.name, code: failed.Code, message: failed.message, status: failed.$metadata.httpStatusCode };
    }
    throw new Error('Expected the call to be refused, but it succeeded');
  };

  beforeAll(async () => {
    t = await startOurSns(tmp.dir);
    await t.sns.send(new CreateTopicCommand({ Name: 'guarded' }));
    queueUrl = (await t.sqs.send(new CreateQueueCommand({ QueueName: 'guarded-queue' }))).QueueUrl!;
    await t.sns.send(new SubscribeCommand({ TopicArn: TOPIC, Protocol: 'sqs', Endpoint: QUEUE }));
  });
  afterAll(async () => {
    const { Attributes } = await t.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
    expect(Attributes?.ApproximateNumberOfMessages).toBe('0');
    expect((await t.sns.send(new ListTopicsCommand({}))).Topics).toEqual([{ TopicArn: TOPIC }]);
    expect((await t.sns.send(new ListSubscriptionsCommand({}))).Subscriptions).toHaveLength(1);
    await t.close();
    tmp.remove();
  });

  it('answers a body that is not a form, a missing or unknown Action, and a missing parameter in XML', async () => {
    const json = await signedForm('{"Action":"Publish"}', 'application/json');
    expect(json.status).toBe(400);
    expect(json.text).toContain('<Code>InvalidAction</Code>');
    const noAction = await signedForm('TopicArn=x');
    expect(noAction.status).toBe(400);
    expect(noAction.text).toContain('<Code>MissingAction</Code>');
    const unknown = await signedForm('Action=Frobnicate&Version=2010-03-31');
    expect(unknown.text).toContain('<Code>InvalidAction</Code>');
    const missing = await signedForm(`Action=Publish&Version=2010-03-31&TopicArn=${TOPIC}`);
    expect(missing.status).toBe(400);
    expect(missing.text).toMatch(/<ErrorResponse xmlns="http:\/\/sns.amazonaws.com\/doc\/2010-03-31\/"><Error><Type>Sender<\/Type><Code>ValidationError<\/Code>/);
    expect(missing.text).toContain('Value null at &apos;message&apos; failed to satisfy constraint: Member must not be null');
  });

  it('refuses malformed and foreign topic ARNs as AWS does', async () => {
    expect(await refusal(t.sns.send(new GetTopicAttributesCommand({ TopicArn: 'guarded' })))).toMatchObject({
      code: 'InvalidParameter',
      message: 'Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1',
      status: 400,
    });
    expect(await refusal(t.sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:eu-west-1:000000000000:guarded', Message: 'x' })))).toMatchObject({
      message: 'Invalid parameter: TopicArn',
    });
    expect(await refusal(t.sns.send(new PublishCommand({ TargetArn: 'arn:aws:sns:us-east-1:000000000000:missing', Message: 'x' })))).toMatchObject({
      name: 'NotFoundException',
      message: 'Topic does not exist',
      status: 404,
    });
  });

  it('refuses messages AWS refuses: empty, too long, bad subjects, bad attributes', async () => {
    const publish = (input: Partial<ConstructorParameters<typeof PublishCommand>[0]>) => refusal(t.sns.send(new PublishCommand({ TopicArn: TOPIC, Message: 'm', ...input })));
    expect(await publish({ Message: '' })).toMatchObject({ code: 'InvalidParameter', message: 'Invalid parameter: Empty message' });
    expect(await publish({ Message: 'x'.repeat(262_145) })).toMatchObject({ message: 'Invalid parameter: Message too long' });
    expect(await publish({ Message: 'x'.repeat(262_100), MessageAttributes: { big: { DataType: 'String', StringValue: 'y'.repeat(100) } } })).toMatchObject({
      message: 'Invalid parameter: Message too long',
    });
    expect(await publish({ Subject: '' })).toMatchObject({ message: 'Invalid parameter: Subject' });
    expect(await publish({ Subject: 'two\nlines' })).toMatchObject({ message: 'Invalid parameter: Subject' });
    expect(await publish({ MessageAttributes: { 'a^b': { DataType: 'String', StringValue: 'v' } } })).toMatchObject({
      name: 'InvalidParameterValueException',
      code: 'ParameterValueInvalid',
      message: "Invalid non-alphanumeric character '#x5E' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots.",
    });
    expect(await publish({ MessageAttributes: { '.a': { DataType: 'String', StringValue: 'v' } } })).toMatchObject({
      message: "Invalid message attribute name starting with character '.' was found.",
    });
    expect(await publish({ MessageAttributes: { a: { DataType: 'Text', StringValue: 'v' } } })).toMatchObject({
      message: "The message attribute 'a' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.",
    });
    expect(await publish({ MessageAttributes: { a: { DataType: 'String', StringValue: '' } } })).toMatchObject({
      message: "The message attribute 'a' must contain non-empty message attribute value for message attribute type 'String'.",
    });
    expect(await publish({ MessageAttributes: { a: { DataType: 'Binary', StringValue: 'v' } } })).toMatchObject({
      message: "The message attribute 'a' with type 'Binary' must use field 'Binary'.",
    });
    expect(await publish({ MessageAttributes: { a: { DataType: 'Number', StringValue: 'ten' } } })).toMatchObject({ code: 'ParameterValueInvalid' });
    expect(await publish({ MessageStructure: 'json', Message: '{not json' })).toMatchObject({
      message: 'Invalid parameter: Message Structure - JSON message body failed to parse',
    });
  });

  it('refuses bad subscriptions and subscription attributes', async () => {
    const subscribe = (input: Partial<ConstructorParameters<typeof SubscribeCommand>[0]>) =>
      refusal(t.sns.send(new SubscribeCommand({ TopicArn: TOPIC, Protocol: 'sqs', Endpoint: QUEUE, ...input })));
    expect(await subscribe({ Endpoint: queueUrl })).toMatchObject({ message: 'Invalid parameter: SQS endpoint ARN' });
    expect(await subscribe({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:missing' })).toMatchObject({ name: 'NotFoundException', message: 'Topic does not exist' });
    expect(await subscribe({ Attributes: { RawMessageDelivery: 'wrongvalue' } })).toMatchObject({
      message: 'Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value [wrongvalue]. Must be true or false.',
    });
    expect(await subscribe({ Attributes: { FilterPolicy: '{"key":[]}' } })).toMatchObject({
      message: 'Invalid parameter: Attributes Reason: FilterPolicy: Empty arrays are not allowed',
    });
    const { Subscriptions } = await t.sns.send(new ListSubscriptionsCommand({}));
    const SubscriptionArn = Subscriptions![0]!.SubscriptionArn!;
    const set = (AttributeName: string, AttributeValue: string) => refusal(t.sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName, AttributeValue })));
    expect(await set('FakeAttribute', 'x')).toMatchObject({ message: 'Invalid parameter: AttributeName' });
    expect(await set('RawMessageDelivery', 'test-ValUe')).toMatchObject({ message: 'Invalid parameter: RawMessageDelivery: Invalid value [test-ValUe]. Must be true or false.' });
    expect(await set('RedrivePolicy', '{"deadLetterTargetArn":"not-an-arn"}')).toMatchObject({ message: 'Invalid parameter: RedrivePolicy: deadLetterTargetArn is an invalid arn' });
    expect(await set('FilterPolicy', '{"key":[{"numeric":[">",3,"<",1]}]}')).toMatchObject({ message: 'Invalid parameter: FilterPolicy: Bottom must be less than top' });
    expect(await set('FilterPolicy', '{invalid')).toMatchObject({ message: expect.stringMatching(/^Invalid parameter: FilterPolicy: failed to parse JSON\./) });
  });

  it('refuses unsigned requests other than the subscription URLs and the certificate', async () => {
    const unsigned = await sendRaw({ port: t.port, method: 'GET', path: `/?Action=ListTopics`, headers: {} });
    expect(unsigned.status).toBe(403);
    const certificate = await sendRaw({ port: t.port, method: 'GET', path: '/SimpleNotificationService-00000000000000000000000000000000.pem', headers: {} });
    expect(certificate.status).toBe(404);
    expect(certificate.text).toContain('<Code>NotFound</Code>');
  });
});
