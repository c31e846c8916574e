import { GetItemCommand, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCredentials } from '../../../local/aws/credentials.js';
import { createActiveTable, uniqueTableName } from './dynamodb/requests.js';
import { makeTempDir, REGION, startOurDynamoDb, type OurDynamoDbTarget } from './dynamodb/servers.js';

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

describe('DynamoDB request authentication on our endpoint', () => {
  const tmp = makeTempDir('ddb-auth-');
  let ddb: OurDynamoDbTarget;
  const TableName = uniqueTableName('auth');
  beforeAll(async () => {
    ddb = await startOurDynamoDb(tmp.dir);
    await createActiveTable(ddb.client, {
      TableName,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    });
  });
  afterAll(async () => {
    await ddb.close();
    tmp.remove();
  });

  /** Signs a PutItem of `signedBody`, then sends `sentBody` (and `headerOverrides`) with that signature. */
  async function sendForged(signedBody: string, sentBody: string, headerOverrides: Record<string, string> = {}) {
    const { hostname, port, host } = new URL(ddb.url);
    const signer = new SignatureV4({ service: 'dynamodb', region: REGION, credentials: ddb.credentials, sha256: Hash.bind(null, 'sha256') });
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname,
      port: Number(port),
      path: '/',
      query: {},
      headers: { host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.PutItem' },
      body: signedBody,
    });
    const response = await fetch(ddb.url, { method: 'POST', headers: { ...signed.headers, ...headerOverrides }, body: sentBody });
    return { status: response.status, body: (await response.json()) as unknown };
  }
  const putBody = (id: string) => JSON.stringify({ TableName, Item: { id: { S: id } } });
  const stored = async (id: string) => (await ddb.client.send(new GetItemCommand({ TableName, Key: { id: { S: id } } }))).Item;

  it('refuses an unsigned request with MissingAuthenticationTokenException', async () => {
    const response = await fetch(ddb.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.PutItem' },
      body: putBody('unsigned'),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      __type: 'com.amazon.coral.service#MissingAuthenticationTokenException',
      message: 'Request is missing Authentication Token',
    });
    expect(await stored('unsigned')).toBeUndefined();
  });

  it('refuses an access key it does not know with UnrecognizedClientException', async () => {
    const stranger = ddb.clientWith({ credentials: generateCredentials() });
    await expect(stranger.send(new ListTablesCommand({}))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('refuses a request signed with the wrong secret with InvalidSignatureException', async () => {
    const wrongSecret = ddb.clientWith({ credentials: { ...ddb.credentials, secretAccessKey: 'x'.repeat(40) } });
    await expect(wrongSecret.send(new PutItemCommand({ TableName, Item: { id: { S: 'wrong-secret' } } }))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      message: MISMATCH,
      $metadata: { httpStatusCode: 400 },
    });
    expect(await stored('wrong-secret')).toBeUndefined();
  });

  it('refuses a body or a signed header changed after signing, and writes nothing', async () => {
    expect((await sendForged(putBody('honest'), putBody('honest'))).status).toBe(200);
    const swappedBody = await sendForged(putBody('signed'), putBody('forged'));
    expect(swappedBody).toEqual({
      status: 400,
      body: { __type: 'com.amazon.coral.service#InvalidSignatureException', message: MISMATCH },
    });
    const swappedTarget = await sendForged(putBody('target'), JSON.stringify({ TableName }), { 'x-amz-target': 'DynamoDB_20120810.DeleteTable' });
    expect(swappedTarget.status).toBe(400);
    expect(await stored('honest')).toBeDefined();
    expect(await stored('forged')).toBeUndefined();
    expect(await stored('target')).toBeUndefined();
  });

  it('refuses a signature from a clock 20 minutes behind with "Signature expired"', async () => {
    const late = ddb.clientWith({ systemClockOffset: -20 * 60_000 });
    await expect(late.send(new ListTablesCommand({}))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      message: expect.stringMatching(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/),
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('refuses a signature from a clock 20 minutes ahead with "Signature not yet current"', async () => {
    const early = ddb.clientWith({ systemClockOffset: 20 * 60_000 });
    await expect(early.send(new ListTablesCommand({}))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      message: expect.stringMatching(/^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 15 min\.\)$/),
    });
  });

  it('refuses a malformed Authorization header with IncompleteSignatureException', async () => {
    const response = await fetch(ddb.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        authorization: 'AWS4-HMAC-SHA256 Credential=nonsense',
        'x-amz-date': '20240101T000000Z',
      },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'com.amazon.coral.service#IncompleteSignatureException' });
  });
});
