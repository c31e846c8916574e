import { CreateQueueCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requiredPermission } from '../../../../local/aws/sqs/authorize.js';
import { failureOf, REGION, startIamHarness, type ClientCredentials, type IamHarness } from './harness.js';

let h: IamHarness;
let role: ClientCredentials;
const clients: SQSClient[] = [];
const sqs = (credentials: ClientCredentials) => {
  const client = new SQSClient({ endpoint: h.aws.endpoint, region: REGION, credentials, maxAttempts: 1 });
  clients.push(client);
  return client;
};
const urlOf = (name: string) => `${h.aws.endpoint}/000000000000/${name}`;

beforeAll(async () => {
  h = await startIamHarness();
  const root = sqs(h.root);
  for (const QueueName of ['events', 'other']) await root.send(new CreateQueueCommand({ QueueName }));
  // A producer role: libaws's `allow: sqs:SendMessage arn:aws:sqs:*:*:events` line.
  role = h.session('producer', [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:*:*:events' }], 'producer');
});
afterAll(async () => {
  for (const client of clients) client.destroy();
  await h.close();
});

describe('SQS under the local IAM', () => {
  it('lets a role allowed sqs:SendMessage on one queue send to it, single and batched', async () => {
    const client = sqs(role);
    const sent = await client.send(new SendMessageCommand({ QueueUrl: urlOf('events'), MessageBody: 'job ended' }));
    expect(sent.MessageId).toBeDefined();
    const batch = await client.send(new SendMessageBatchCommand({ QueueUrl: urlOf('events'), Entries: [{ Id: 'a', MessageBody: 'one' }] }));
    expect(batch.Successful).toHaveLength(1);
    const { Messages } = await sqs(h.root).send(new ReceiveMessageCommand({ QueueUrl: urlOf('events'), MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['SenderId'] }));
    expect(Messages?.map((m) => m.Body).sort()).toEqual(['job ended', 'one']);
    expect(Messages?.[0]?.Attributes?.SenderId).toMatch(/^AROA[0-9A-F]{17}:producer$/);
  });

  it('refuses the same role on another queue, and any other action, with SQS\'s AccessDenied (403)', async () => {
    const client = sqs(role);
    const other = await failureOf(() => client.send(new SendMessageCommand({ QueueUrl: urlOf('other'), MessageBody: 'x' })));
    expect(other).toMatchObject({
      name: 'AccessDenied',
      message:
        'User: arn:aws:sts::000000000000:assumed-role/producer/producer is not authorized to perform: sqs:sendmessage on resource: arn:aws:sqs:us-east-1:000000000000:other because no identity-based policy allows the sqs:sendmessage action',
      $metadata: { httpStatusCode: 403 },
    });
    const receive = await failureOf(() => client.send(new ReceiveMessageCommand({ QueueUrl: urlOf('events') })));
    expect(receive).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    const create = await failureOf(() => client.send(new CreateQueueCommand({ QueueName: 'sneaky' })));
    expect(create).toMatchObject({ name: 'AccessDenied' });
  });

  it('refuses awscli (query protocol) signed with the role the same way', async () => {
    const allowed = await h.awscli(role, 'sqs', 'send-message', '--queue-url', urlOf('events'), '--message-body', 'from the cli');
    expect(allowed.code).toBe(0);
    const refused = await h.awscli(role, 'sqs', 'send-message', '--queue-url', urlOf('other'), '--message-body', 'from the cli');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('(AccessDenied)');
    expect(refused.stderr).toContain('not authorized to perform: sqs:sendmessage on resource: arn:aws:sqs:us-east-1:000000000000:other');
  });

  it('maps each operation to the action and queue ARN AWS checks', () => {
    const queue = { QueueUrl: 'http://127.0.0.1:1/000000000000/q' };
    expect(requiredPermission('SendMessageBatch', queue, REGION)).toEqual(['sqs:SendMessage', 'arn:aws:sqs:us-east-1:000000000000:q']);
    expect(requiredPermission('DeleteMessageBatch', queue, REGION)).toEqual(['sqs:DeleteMessage', 'arn:aws:sqs:us-east-1:000000000000:q']);
    expect(requiredPermission('ChangeMessageVisibilityBatch', queue, REGION)).toEqual(['sqs:ChangeMessageVisibility', 'arn:aws:sqs:us-east-1:000000000000:q']);
    expect(requiredPermission('CreateQueue', { QueueName: 'n' }, REGION)).toEqual(['sqs:CreateQueue', 'arn:aws:sqs:us-east-1:000000000000:n']);
    expect(requiredPermission('ListQueues', {}, REGION)).toEqual(['sqs:ListQueues', 'arn:aws:sqs:us-east-1:000000000000:*']);
  });
});
