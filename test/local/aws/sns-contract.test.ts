import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListSubscriptionsCommand,
  ListTagsForResourceCommand,
  ListTopicsCommand,
  SetSubscriptionAttributesCommand,
  SetTopicAttributesCommand,
  SubscribeCommand,
  TagResourceCommand,
  UnsubscribeCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, startOurSns, type OurSnsTarget } from './sns/servers.js';

const ARN = 'arn:aws:sns:us-east-1:000000000000';
const QUEUE = 'arn:aws:sqs:us-east-1:000000000000';

/** Runs `attempt` and returns what it threw (failing when it does not throw). */
async function failureOf(attempt: () => Promise<unknown>): Promise<Error & { $metadata: { httpStatusCode?: number } }> {
  try {
    await attempt();
  } catch (error) {
    return error as Error & { $metadata: { httpStatusCode?: number } };
  }
  throw new Error('Expected the call to be refused, but it succeeded');
}

// The SNS contract against our endpoint with the AWS SDK v3 (query protocol, SigV4 verified,
// persisted): the answers' shapes and the errors are AWS's (recorded against AWS in localstack
// tests/aws/services/sns/test_sns.snapshot.json, cited in local/aws/sns/).
describe('SNS topics and subscriptions (SDK v3)', () => {
  const tmp = makeTempDir('sns-contract-');
  let t: OurSnsTarget;

  beforeAll(async () => {
    t = await startOurSns(tmp.dir);
  });
  afterAll(async () => {
    await t.close();
    tmp.remove();
  });

  it('creates a topic idempotently, and refuses the same name with other attributes or tags', async () => {
    const attributes = { DisplayName: 'Jobs' };
    const first = await t.sns.send(new CreateTopicCommand({ Name: 'idem', Attributes: attributes, Tags: [{ Key: 'team', Value: 'a' }] }));
    expect(first.TopicArn).toBe(`${ARN}:idem`);
    expect((await t.sns.send(new CreateTopicCommand({ Name: 'idem' }))).TopicArn).toBe(first.TopicArn);
    expect((await t.sns.send(new CreateTopicCommand({ Name: 'idem', Attributes: attributes, Tags: [{ Key: 'team', Value: 'a' }] }))).TopicArn).toBe(first.TopicArn);
    const otherAttributes = await failureOf(() => t.sns.send(new CreateTopicCommand({ Name: 'idem', Attributes: { DisplayName: 'Other' } })));
    expect(otherAttributes).toMatchObject({
      name: 'InvalidParameterException',
      message: 'Invalid parameter: Attributes Reason: Topic already exists with different attributes',
      $metadata: { httpStatusCode: 400 },
    });
    const moreTags = await failureOf(() => t.sns.send(new CreateTopicCommand({ Name: 'idem', Tags: [{ Key: 'team', Value: 'b' }] })));
    expect(moreTags.message).toBe('Invalid parameter: Tags Reason: Topic already exists with different tags');
  });

  it('answers the attributes of a standard and a FIFO topic as AWS does', async () => {
    const standard = await t.sns.send(new GetTopicAttributesCommand({ TopicArn: `${ARN}:idem` }));
    expect(standard.Attributes).toEqual({
      DisplayName: 'Jobs',
      EffectiveDeliveryPolicy: expect.stringContaining('"numRetries":3'),
      Owner: '000000000000',
      Policy: expect.stringContaining('"Resource":"arn:aws:sns:us-east-1:000000000000:idem"'),
      SubscriptionsConfirmed: '0',
      SubscriptionsDeleted: '0',
      SubscriptionsPending: '0',
      TopicArn: `${ARN}:idem`,
    });
    const { TopicArn } = await t.sns.send(new CreateTopicCommand({ Name: 'events.fifo', Attributes: { FifoTopic: 'true', SignatureVersion: '2' } }));
    const fifo = await t.sns.send(new GetTopicAttributesCommand({ TopicArn }));
    expect(fifo.Attributes).toMatchObject({ FifoTopic: 'true', ContentBasedDeduplication: 'false', SignatureVersion: '2' });
    await t.sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'ContentBasedDeduplication', AttributeValue: 'true' }));
    expect((await t.sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes?.ContentBasedDeduplication).toBe('true');
    const fifoChange = await failureOf(() => t.sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'FifoTopic', AttributeValue: 'false' })));
    expect(fifoChange.message).toBe('Invalid parameter: AttributeName');
  });

  it('refuses topic names AWS refuses, FIFO ones without the suffix and standard ones with it', async () => {
    for (const [Name, Attributes] of [
      ['', undefined],
      ['a'.repeat(257), undefined],
      ['has space', undefined],
      ['named.fifo', undefined],
      ['not-fifo', { FifoTopic: 'true' }],
    ] as const) {
      const error = await failureOf(() => t.sns.send(new CreateTopicCommand({ Name, ...(Attributes ? { Attributes } : {}) })));
      expect(error.message).toBe('Invalid parameter: Topic Name');
    }
  });

  it('lists topics 100 a page with a NextToken', async () => {
    for (let i = 0; i < 101; i++) await t.sns.send(new CreateTopicCommand({ Name: `page-${String(i).padStart(3, '0')}` }));
    const first = await t.sns.send(new ListTopicsCommand({}));
    expect(first.Topics).toHaveLength(100);
    expect(first.NextToken).toBeDefined();
    const second = await t.sns.send(new ListTopicsCommand({ NextToken: first.NextToken }));
    const all = [...first.Topics!, ...second.Topics!].map((topic) => topic.TopicArn);
    expect(second.NextToken).toBeUndefined();
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(expect.arrayContaining([`${ARN}:page-000`, `${ARN}:page-100`, `${ARN}:idem`, `${ARN}:events.fifo`]));
    const bad = await failureOf(() => t.sns.send(new ListTopicsCommand({ NextToken: 'not-a-token' })));
    expect(bad.message).toBe('Invalid parameter: NextToken');
  });

  it('tags, untags and lists tags in the order they were added, refusing duplicated keys', async () => {
    const ResourceArn = `${ARN}:idem`;
    await t.sns.send(new TagResourceCommand({ ResourceArn, Tags: [{ Key: 'k2', Value: 'v2' }, { Key: 'team', Value: 'b' }] }));
    expect((await t.sns.send(new ListTagsForResourceCommand({ ResourceArn }))).Tags).toEqual([
      { Key: 'team', Value: 'b' },
      { Key: 'k2', Value: 'v2' },
    ]);
    await t.sns.send(new UntagResourceCommand({ ResourceArn, TagKeys: ['team'] }));
    expect((await t.sns.send(new ListTagsForResourceCommand({ ResourceArn }))).Tags).toEqual([{ Key: 'k2', Value: 'v2' }]);
    const duplicated = await failureOf(() => t.sns.send(new TagResourceCommand({ ResourceArn, Tags: [{ Key: 'a', Value: '1' }, { Key: 'a', Value: '2' }] })));
    expect(duplicated.message).toBe('Invalid parameter: Duplicated keys are not allowed.');
    const missing = await failureOf(() => t.sns.send(new ListTagsForResourceCommand({ ResourceArn: `${ARN}:gone` })));
    expect(missing).toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
  });

  it('subscribes a queue idempotently, with its attributes, and refuses other attributes for the same endpoint', async () => {
    const TopicArn = `${ARN}:idem`;
    const Endpoint = `${QUEUE}:subscriber`;
    const first = await t.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint, Attributes: { RawMessageDelivery: 'true' } }));
    expect(first.SubscriptionArn).toMatch(new RegExp(`^${TopicArn}:[0-9a-f-]{36}$`));
    expect((await t.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint }))).SubscriptionArn).toBe(first.SubscriptionArn);
    const other = await failureOf(() => t.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint, Attributes: { RawMessageDelivery: 'false' } })));
    expect(other.message).toBe('Invalid parameter: Attributes Reason: Subscription already exists with different attributes');
    const { Attributes } = await t.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: first.SubscriptionArn }));
    expect(Attributes).toEqual({
      ConfirmationWasAuthenticated: 'true',
      Endpoint,
      Owner: '000000000000',
      PendingConfirmation: 'false',
      Protocol: 'sqs',
      RawMessageDelivery: 'true',
      SubscriptionArn: first.SubscriptionArn,
      SubscriptionPrincipal: 'arn:aws:iam::000000000000:root',
      TopicArn,
    });
    const counts = await t.sns.send(new GetTopicAttributesCommand({ TopicArn }));
    expect(counts.Attributes).toMatchObject({ SubscriptionsConfirmed: '1', SubscriptionsPending: '0' });
  });

  it('sets and clears a filter policy and its scope', async () => {
    const { SubscriptionArn } = await t.sns.send(new SubscribeCommand({ TopicArn: `${ARN}:idem`, Protocol: 'sqs', Endpoint: `${QUEUE}:filtered` }));
    const policy = JSON.stringify({ kind: ['job-ended'], exit: [{ numeric: ['>', 0] }] });
    await t.sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: 'FilterPolicy', AttributeValue: policy }));
    let { Attributes } = await t.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }));
    expect(Attributes).toMatchObject({ FilterPolicy: policy, FilterPolicyScope: 'MessageAttributes' });
    const nested = await failureOf(() =>
      t.sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: 'FilterPolicy', AttributeValue: '{"a":{"b":["c"]}}' })),
    );
    expect(nested.message).toBe('Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy');
    await t.sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: 'FilterPolicyScope', AttributeValue: 'MessageBody' }));
    await t.sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: 'FilterPolicy', AttributeValue: '{"a":{"b":["c"]}}' }));
    const badScope = await failureOf(() => t.sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: 'FilterPolicyScope', AttributeValue: 'Body' })));
    expect(badScope.message).toBe('Invalid parameter: FilterPolicyScope: Invalid value [Body]. Please use either MessageBody or MessageAttributes');
    await t.sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: 'FilterPolicy', AttributeValue: '' }));
    ({ Attributes } = await t.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn })));
    expect(Attributes?.FilterPolicy).toBeUndefined();
  });

  it('lists subscriptions of the account and of a topic, and unsubscribes idempotently', async () => {
    const TopicArn = `${ARN}:idem`;
    const byTopic = await t.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    expect(byTopic.Subscriptions?.map((s) => s.Endpoint).sort()).toEqual([`${QUEUE}:filtered`, `${QUEUE}:subscriber`]);
    const all = await t.sns.send(new ListSubscriptionsCommand({}));
    expect(all.Subscriptions).toEqual(expect.arrayContaining([expect.objectContaining({ TopicArn, Protocol: 'sqs', Owner: '000000000000' })]));
    const arn = byTopic.Subscriptions![0]!.SubscriptionArn!;
    await t.sns.send(new UnsubscribeCommand({ SubscriptionArn: arn }));
    await t.sns.send(new UnsubscribeCommand({ SubscriptionArn: arn }));
    const gone = await failureOf(() => t.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: arn })));
    expect(gone).toMatchObject({ name: 'NotFoundException', message: 'Subscription does not exist', $metadata: { httpStatusCode: 404 } });
    const topicArnOnly = await failureOf(() => t.sns.send(new UnsubscribeCommand({ SubscriptionArn: TopicArn })));
    expect(topicArnOnly.message).toBe('Invalid parameter: SubscriptionId');
    const short = await failureOf(() => t.sns.send(new UnsubscribeCommand({ SubscriptionArn: 'arn:aws:sns' })));
    expect(short.message).toBe('Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not 3');
  });

  it('deletes a topic with its subscriptions, and answers a deleted topic as not found', async () => {
    const { TopicArn } = await t.sns.send(new CreateTopicCommand({ Name: 'short-lived' }));
    await t.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: `${QUEUE}:x` }));
    await t.sns.send(new DeleteTopicCommand({ TopicArn }));
    await t.sns.send(new DeleteTopicCommand({ TopicArn }));
    const gone = await failureOf(() => t.sns.send(new GetTopicAttributesCommand({ TopicArn })));
    expect(gone).toMatchObject({ name: 'NotFoundException', message: 'Topic does not exist', $metadata: { httpStatusCode: 404 } });
    const all = await t.sns.send(new ListSubscriptionsCommand({}));
    expect(all.Subscriptions?.some((s) => s.TopicArn === TopicArn)).toBe(false);
  });
});
