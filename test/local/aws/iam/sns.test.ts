import {
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  ListTopicsCommand,
  PublishBatchCommand,
  PublishCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requiredPermissions } from '../../../../local/aws/sns/authorize.js';
import { failureOf, REGION, startIamHarness, type ClientCredentials, type IamHarness } from './harness.js';

let h: IamHarness;
let publisher: ClientCredentials;
const clients: SNSClient[] = [];
const sns = (credentials: ClientCredentials) => {
  const client = new SNSClient({ endpoint: h.aws.endpoint, region: REGION, credentials, maxAttempts: 1 });
  clients.push(client);
  return client;
};
const topic = (name: string) => `arn:aws:sns:us-east-1:000000000000:${name}`;

beforeAll(async () => {
  h = await startIamHarness();
  for (const Name of ['events', 'other']) await sns(h.root).send(new CreateTopicCommand({ Name }));
  // A publisher role: libaws's `allow: sns:Publish arn:aws:sns:*:*:events` line, and Subscribe on the same topic.
  publisher = h.session('publisher', [{ Effect: 'Allow', Action: ['sns:Publish', 'sns:Subscribe', 'sns:GetSubscriptionAttributes'], Resource: 'arn:aws:sns:*:*:events*' }], 'publisher');
});
afterAll(async () => {
  for (const client of clients) client.destroy();
  await h.close();
});

describe('SNS under the local IAM', () => {
  it('lets a role allowed sns:Publish on a topic publish to it, single and batched', async () => {
    const client = sns(publisher);
    expect((await client.send(new PublishCommand({ TopicArn: topic('events'), Message: 'job ended' }))).MessageId).toBeDefined();
    const batch = await client.send(new PublishBatchCommand({ TopicArn: topic('events'), PublishBatchRequestEntries: [{ Id: 'a', Message: 'one' }] }));
    expect(batch.Successful).toHaveLength(1);
    const { SubscriptionArn } = await client.send(new SubscribeCommand({ TopicArn: topic('events'), Protocol: 'sqs', Endpoint: 'arn:aws:sqs:us-east-1:000000000000:q' }));
    const { Attributes } = await client.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }));
    expect(Attributes?.SubscriptionPrincipal).toBe('arn:aws:sts::000000000000:assumed-role/publisher/publisher');
  });

  it("refuses the same role on another topic, and other actions, with SNS's AuthorizationError (403)", async () => {
    const client = sns(publisher);
    const other = await failureOf(() => client.send(new PublishCommand({ TopicArn: topic('other'), Message: 'x' })));
    expect(other).toMatchObject({
      name: 'AuthorizationErrorException',
      message:
        'User: arn:aws:sts::000000000000:assumed-role/publisher/publisher is not authorized to perform: SNS:Publish on resource: arn:aws:sns:us-east-1:000000000000:other because no identity-based policy allows the SNS:Publish action',
      $metadata: { httpStatusCode: 403 },
    });
    const create = await failureOf(() => client.send(new CreateTopicCommand({ Name: 'sneaky' })));
    expect(create).toMatchObject({ name: 'AuthorizationErrorException', message: expect.stringContaining('SNS:CreateTopic on resource: arn:aws:sns:us-east-1:000000000000:sneaky') });
    const list = await failureOf(() => client.send(new ListTopicsCommand({})));
    expect(list.message).toContain('SNS:ListTopics on resource: arn:aws:sns:us-east-1:000000000000:*');
    const { Topics } = await sns(h.root).send(new ListTopicsCommand({}));
    expect(Topics?.map((t) => t.TopicArn).sort()).toEqual([topic('events'), topic('other')]);
  });

  it('refuses awscli (query protocol) signed with the role the same way', async () => {
    const allowed = await h.awscli(publisher, 'sns', 'publish', '--topic-arn', topic('events'), '--message', 'from the cli');
    expect(allowed.code).toBe(0);
    const refused = await h.awscli(publisher, 'sns', 'publish', '--topic-arn', topic('other'), '--message', 'from the cli');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('(AuthorizationError)');
    expect(refused.stderr).toContain('not authorized to perform: SNS:Publish on resource: arn:aws:sns:us-east-1:000000000000:other');
  });

  it('maps each operation to the action and resource AWS checks', () => {
    expect(requiredPermissions('PublishBatch', { TopicArn: topic('t') }, REGION)).toEqual([['sns:Publish', topic('t')]]);
    expect(requiredPermissions('Publish', { TargetArn: topic('t') }, REGION)).toEqual([['sns:Publish', topic('t')]]);
    expect(requiredPermissions('CreateTopic', { Name: 't', Tags: [{ Key: 'k', Value: 'v' }] }, REGION)).toEqual([
      ['sns:CreateTopic', topic('t')],
      ['sns:TagResource', topic('t')],
    ]);
    expect(requiredPermissions('ListSubscriptions', {}, REGION)).toEqual([['sns:ListSubscriptions', topic('*')]]);
    expect(requiredPermissions('Unsubscribe', { SubscriptionArn: `${topic('t')}:id` }, REGION)).toEqual([['sns:Unsubscribe', `${topic('t')}:id`]]);
    expect(requiredPermissions('TagResource', { ResourceArn: topic('t') }, REGION)).toEqual([['sns:TagResource', topic('t')]]);
  });
});
