import type { ServerResponse } from 'node:http';
import { ListBucketsCommand, GetObjectCommand, S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { LambdaClient, InvokeCommand } from '@aws-sdk/client-lambda';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEndpoint, type Endpoint } from '../../../local/aws/server.js';
import { AwsError, type LocalService, type ServiceName, type ServiceRequest } from '../../../local/aws/service.js';
import { generateCredentials } from '../../../local/aws/credentials.js';

// A service that answers 200 with what it saw, so that these tests check only routing and signatures.
function echoService(name: ServiceName, bufferBody: boolean): LocalService & { seen: ServiceRequest[] } {
  const seen: ServiceRequest[] = [];
  return {
    name,
    seen,
    bufferBody,
    maxBodyBytes: 1024 * 1024,
    claimsUnsigned: (req) => (name === 'dynamodb' ? req.headers['x-amz-target'] !== undefined : name === 's3'),
    allowsAnonymous: (req) => name === 's3' && req.method === 'OPTIONS',
    authError: (error) => new AwsError(403, `${name}:${error.kind}`, error.message),
    operationOf: () => 'Echo',
    async handle(request, res: ServerResponse) {
      seen.push(request);
      if (!bufferBody) for await (const _chunk of request.incoming) void _chunk;
      const body = name === 's3' ? '<ListAllMyBucketsResult><Buckets/></ListAllMyBucketsResult>' : '{}';
      res.writeHead(200, { 'content-type': name === 's3' ? 'application/xml' : 'application/json' });
      res.end(body);
    },
    sendError(_req, res, error) {
      res.writeHead(error.status, { 'content-type': 'text/plain', 'x-test-code': error.code });
      res.end(error.message);
    },
    async close() {},
  };
}

describe('SigV4 routing and verification', () => {
  const credentials = generateCredentials();
  const services = { s3: echoService('s3', false), dynamodb: echoService('dynamodb', true), lambda: echoService('lambda', true) };
  let endpoint: Endpoint;
  const clientConfig = () => ({ endpoint: endpoint.url, region: 'us-east-1', credentials, forcePathStyle: true, maxAttempts: 1 });

  beforeAll(async () => {
    endpoint = await startEndpoint({ host: '127.0.0.1', port: 0, credentials: [credentials], services: Object.values(services) });
  });
  afterAll(async () => endpoint.close());

  it('accepts header-signed requests from the S3, DynamoDB and Lambda SDK clients', async () => {
    await new S3Client(clientConfig()).send(new ListBucketsCommand({}));
    await new S3Client(clientConfig()).send(new PutObjectCommand({ Bucket: 'b', Key: 'a b/ü+%.txt', Body: 'hello' }));
    await new DynamoDBClient(clientConfig()).send(new ListTablesCommand({}));
    await new LambdaClient(clientConfig()).send(new InvokeCommand({ FunctionName: 'fn:alias', Payload: Buffer.from('{"a":1}') }));
    expect(services.s3.seen.at(-1)?.rawPath).toBe('/b/a%20b/%C3%BC%2B%25.txt');
    expect(services.dynamodb.seen).toHaveLength(1);
    expect(services.lambda.seen.at(-1)?.body?.toString()).toBe('{"a":1}');
  });

  it('refuses a request signed with an unknown key or a wrong secret', async () => {
    const wrongKey = new S3Client({ ...clientConfig(), credentials: generateCredentials() });
    await expect(wrongKey.send(new ListBucketsCommand({}))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    const wrongSecret = new S3Client({ ...clientConfig(), credentials: { ...credentials, secretAccessKey: 'x'.repeat(40) } });
    await expect(wrongSecret.send(new ListBucketsCommand({}))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
  });

  it('refuses unsigned requests with the service guessed from the request', async () => {
    const s3 = await fetch(`${endpoint.url}/bucket/key`);
    expect(s3.status).toBe(403);
    expect(s3.headers.get('x-test-code')).toBe('s3:missing');
    const ddb = await fetch(endpoint.url, { method: 'POST', headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables' }, body: '{}' });
    expect(ddb.headers.get('x-test-code')).toBe('dynamodb:missing');
  });

  it('serves anonymous requests the service allows', async () => {
    const preflight = await fetch(`${endpoint.url}/bucket/key`, { method: 'OPTIONS' });
    expect(preflight.status).toBe(200);
  });

  it('accepts a presigned URL only for the method, bucket and key it was signed for', async () => {
    const s3 = new S3Client(clientConfig());
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'logs', Key: 'jobs/a/log.txt' }), { expiresIn: 60 });
    expect((await fetch(url, { headers: { range: 'bytes=0-' } })).status).toBe(200);
    expect((await fetch(url.replace('/logs/', '/other/'))).status).toBe(403);
    expect((await fetch(url.replace('log.txt', 'exit'))).status).toBe(403);
    expect((await fetch(url, { method: 'PUT', body: 'x' })).status).toBe(403);
    const tampered = url.replace(/X-Amz-Signature=([0-9a-f])/, (_m, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`);
    const refused = await fetch(tampered);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-test-code')).toBe('s3:mismatch');
  });

  it('refuses an expired presigned URL and a header signature from the far past', async () => {
    const s3 = new S3Client(clientConfig());
    const old = new Date(Date.now() - 3600_000);
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'logs', Key: 'k' }), { expiresIn: 60, signingDate: old });
    const expired = await fetch(url);
    expect(expired.headers.get('x-test-code')).toBe('s3:expired');
    const skewed = new S3Client({ ...clientConfig(), systemClockOffset: -3600_000 });
    await expect(skewed.send(new ListBucketsCommand({}))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
  });
});
