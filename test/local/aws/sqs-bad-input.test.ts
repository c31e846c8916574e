import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRaw, type RawResponse } from './s3/raw.js';
import { makeTempDir, REGION, startOurSqs, type OurSqsTarget } from './sqs/servers.js';

// Requests no SDK would send: malformed JSON and query bodies, unknown operations, no signature.
describe('SQS answers malformed requests with the real errors and stores nothing', () => {
  const tmp = makeTempDir('sqs-bad-');
  let target: OurSqsTarget;
  let queueUrl = '';

  const signedPost = async (headers: Record<string, string>, body: string): Promise<RawResponse> => {
    const signer = new SignatureV4({ service: 'sqs', region: REGION, credentials: target.credentials, sha256: Hash.bind(null, 'sha256') });
    const port = target.endpoint.port;
    const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port, path: '/', headers: { host: `127.0.0.1:${port}`, ...headers }, body });
    return sendRaw({ port, method: 'POST', path: '/', headers: signed.headers as Record<string, string>, body });
  };
  const json = (operation: string, body: string) =>
    signedPost({ 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${operation}` }, body);
  const form = (body: string) => signedPost({ 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body);

  beforeAll(async () => {
    target = await startOurSqs(tmp.dir);
    queueUrl = (await target.client.send(new CreateQueueCommand({ QueueName: 'bad-input' }))).QueueUrl!;
  });
  afterAll(async () => {
    const { Attributes } = await target.client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }));
    expect(Attributes).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesDelayed: '0' });
    await target.close();
    tmp.remove();
  });

  it('refuses a JSON body that is not JSON with SerializationException', async () => {
    const answer = await json('SendMessage', '{"QueueUrl": ');
    expect(answer.status).toBe(400);
    expect(answer.headers['x-amzn-query-error']).toBe('SerializationException;Sender');
    expect(JSON.parse(answer.text)).toMatchObject({ __type: 'com.amazon.coral.service#SerializationException' });
  });

  it('refuses JSON members of the wrong type and unknown operations', async () => {
    const wrongType = await json('ReceiveMessage', JSON.stringify({ QueueUrl: queueUrl, MaxNumberOfMessages: 'ten' }));
    expect(wrongType.status).toBe(400);
    expect(wrongType.headers['x-amzn-query-error']).toBe('InvalidParameterValue;Sender');
    expect(JSON.parse(wrongType.text)).toMatchObject({ __type: 'com.amazonaws.sqs#InvalidParameterValueException' });
    const unknown = await json('Frobnicate', '{}');
    expect(unknown.status).toBe(400);
    expect(unknown.headers['x-amzn-query-error']).toBe('InvalidAction;Sender');
    const missing = await json('SendMessage', JSON.stringify({ QueueUrl: queueUrl }));
    expect(JSON.parse(missing.text)).toEqual({
      __type: 'com.amazonaws.sqs#MissingRequiredParameterException',
      message: 'The request must contain the parameter MessageBody.',
    });
  });

  it('answers query requests without an Action, with an unknown one, or missing a parameter in XML', async () => {
    const noAction = await form('QueueUrl=x');
    expect(noAction.status).toBe(400);
    expect(noAction.text).toContain('<Code>MissingAction</Code>');
    const bogus = await form('Action=Frobnicate&Version=2012-11-05');
    expect(bogus.text).toContain('<Code>InvalidAction</Code>');
    const noBody = await form(`Action=SendMessage&Version=2012-11-05&QueueUrl=${encodeURIComponent(queueUrl)}`);
    expect(noBody.status).toBe(400);
    expect(noBody.text).toContain('<Type>Sender</Type><Code>MissingParameter</Code><Message>The request must contain the parameter MessageBody.</Message>');
    const oversized = await form(`Action=SendMessage&Version=2012-11-05&QueueUrl=${encodeURIComponent(queueUrl)}&MessageBody=${'x'.repeat(1_048_577)}`);
    expect(oversized.text).toContain('<Code>InvalidParameterValue</Code>');
  });

  it('refuses an unsigned request to a queue URL in SQS\'s format', async () => {
    const answer = await sendRaw({
      port: target.endpoint.port,
      method: 'POST',
      path: '/000000000000/bad-input',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=SendMessage&MessageBody=sneaky',
    });
    expect(answer.status).toBe(403);
    expect(answer.text).toContain('<Code>MissingAuthenticationToken</Code>');
  });
});
