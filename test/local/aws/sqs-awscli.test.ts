import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { prepareAwsCli, type AwsCli } from './s3/awscli.js';
import { makeTempDir, startOurSqs, type OurSqsTarget } from './sqs/servers.js';

const QueueUrlAnswer = z.object({ QueueUrl: z.string() });
const SendAnswer = z.object({ MessageId: z.string(), MD5OfMessageBody: z.string(), MD5OfMessageAttributes: z.string().optional() });
const ReceiveAnswer = z.object({
  Messages: z
    .array(
      z.object({
        MessageId: z.string(),
        ReceiptHandle: z.string(),
        MD5OfBody: z.string(),
        Body: z.string(),
        Attributes: z.record(z.string(), z.string()).optional(),
        MD5OfMessageAttributes: z.string().optional(),
        MessageAttributes: z.record(z.string(), z.object({ StringValue: z.string().optional(), DataType: z.string() })).optional(),
      }),
    )
    .optional(),
});
const ListAnswer = z.object({ QueueUrls: z.array(z.string()).optional() });

// Debian's awscli 2.9 speaks SQS's query protocol (form posts, XML answers) and signs with its
// own SigV4 implementation: an independent client for the same service the SDK tests use.
describe('SQS with awscli (query protocol)', () => {
  const tmp = makeTempDir('sqs-awscli-');
  let target: OurSqsTarget;
  let cli: AwsCli;
  const json = async <T extends z.ZodType>(schema: T, ...args: string[]): Promise<z.infer<T>> => schema.parse(JSON.parse((await cli.run(...args)) || '{}'));

  beforeAll(async () => {
    target = await startOurSqs(tmp.dir);
    cli = prepareAwsCli(target);
  });
  afterAll(async () => {
    cli.cleanup();
    await target.close();
    tmp.remove();
  });

  it('runs the RustStack acceptance commands: create-queue, send, receive', { timeout: 60_000 }, async () => {
    const created = await json(QueueUrlAnswer, 'sqs', 'create-queue', '--queue-name', 'test-queue');
    expect(created.QueueUrl).toBe(`${target.url}/000000000000/test-queue`);
    const sent = await json(SendAnswer, 'sqs', 'send-message', '--queue-url', created.QueueUrl, '--message-body', 'test message');
    expect(sent.MD5OfMessageBody).toBe('c72b9698fa1927e1dd12d3cf26ed84b2');
    const received = await json(ReceiveAnswer, 'sqs', 'receive-message', '--queue-url', `${target.url}/000000000000/test-queue`);
    expect(received.Messages).toEqual([expect.objectContaining({ MessageId: sent.MessageId, Body: 'test message', MD5OfBody: sent.MD5OfMessageBody })]);
  });

  it('sends attributes and reads them back with their MD5, and deletes by receipt handle', { timeout: 60_000 }, async () => {
    const { QueueUrl } = await json(QueueUrlAnswer, 'sqs', 'create-queue', '--queue-name', 'cli-attrs', '--attributes', 'VisibilityTimeout=0');
    const sent = await json(
      SendAnswer,
      'sqs',
      'send-message',
      '--queue-url',
      QueueUrl,
      '--message-body',
      'line one\r\nline <two> & "three"',
      '--message-attributes',
      '{"MyAttribute":{"DataType":"String","StringValue":"foobar"}}',
    );
    expect(sent.MD5OfMessageAttributes).toBe('adb59cd4678ea5a855436b949cd07ab6');
    const { Messages } = await json(ReceiveAnswer, 'sqs', 'receive-message', '--queue-url', QueueUrl, '--attribute-names', 'All', '--message-attribute-names', 'All');
    expect(Messages?.[0]).toMatchObject({
      Body: 'line one\r\nline <two> & "three"',
      MD5OfMessageAttributes: 'adb59cd4678ea5a855436b949cd07ab6',
      MessageAttributes: { MyAttribute: { StringValue: 'foobar', DataType: 'String' } },
      Attributes: { ApproximateReceiveCount: '1', SenderId: '000000000000' },
    });
    await cli.run('sqs', 'delete-message', '--queue-url', QueueUrl, '--receipt-handle', Messages![0]!.ReceiptHandle);
    const attributes = z.object({ Attributes: z.record(z.string(), z.string()) });
    const after = await json(attributes, 'sqs', 'get-queue-attributes', '--queue-url', QueueUrl, '--attribute-names', 'All');
    expect(after.Attributes).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0', VisibilityTimeout: '0' });
  });

  it('sends and deletes batches and keeps FIFO order', { timeout: 60_000 }, async () => {
    const { QueueUrl } = await json(QueueUrlAnswer, 'sqs', 'create-queue', '--queue-name', 'cli.fifo', '--attributes', 'FifoQueue=true,ContentBasedDeduplication=true');
    const entries = ['one', 'two', 'three'].map((body, i) => ({ Id: `m${i}`, MessageBody: body, MessageGroupId: 'g' }));
    const batch = z.object({ Successful: z.array(z.object({ Id: z.string(), SequenceNumber: z.string() })) });
    const sent = await json(batch, 'sqs', 'send-message-batch', '--queue-url', QueueUrl, '--entries', JSON.stringify(entries));
    expect(sent.Successful.map((e) => e.Id)).toEqual(['m0', 'm1', 'm2']);
    const { Messages } = await json(ReceiveAnswer, 'sqs', 'receive-message', '--queue-url', QueueUrl, '--max-number-of-messages', '10');
    expect(Messages?.map((m) => m.Body)).toEqual(['one', 'two', 'three']);
    const deletions = Messages!.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle }));
    const deleted = z.object({ Successful: z.array(z.object({ Id: z.string() })) });
    expect((await json(deleted, 'sqs', 'delete-message-batch', '--queue-url', QueueUrl, '--entries', JSON.stringify(deletions))).Successful).toHaveLength(3);
  });

  it('answers errors in the query protocol with their codes', { timeout: 60_000 }, async () => {
    const missing = await cli.attempt('sqs', 'receive-message', '--queue-url', `${target.url}/000000000000/no-such-queue`);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('(AWS.SimpleQueueService.NonExistentQueue)');
    expect(missing.stderr).toContain('The specified queue does not exist for this wsdl version.');
    const badName = await cli.attempt('sqs', 'create-queue', '--queue-name', 'bad name');
    expect(badName.stderr).toContain('(InvalidParameterValue)');
    const badValue = await cli.attempt('sqs', 'create-queue', '--queue-name', 'bad-value', '--attributes', 'VisibilityTimeout=99999');
    expect(badValue.stderr).toContain('(InvalidAttributeValue)');
    const { QueueUrls } = await json(ListAnswer, 'sqs', 'list-queues', '--queue-name-prefix', 'bad');
    expect(QueueUrls ?? []).toEqual([]);
  });

  it('keeps queues and messages across a restart of the endpoint', { timeout: 60_000 }, async () => {
    const { QueueUrl } = await json(QueueUrlAnswer, 'sqs', 'create-queue', '--queue-name', 'survives');
    await cli.run('sqs', 'send-message', '--queue-url', QueueUrl, '--message-body', 'still here');
    const port = target.endpoint.port;
    await target.close();
    target = await startOurSqs(tmp.dir, { credentials: target.credentials, port });
    const { QueueUrls } = await json(ListAnswer, 'sqs', 'list-queues');
    expect(QueueUrls).toContain(QueueUrl);
    const { Messages } = await json(ReceiveAnswer, 'sqs', 'receive-message', '--queue-url', QueueUrl);
    expect(Messages?.[0]?.Body).toBe('still here');
  });
});
