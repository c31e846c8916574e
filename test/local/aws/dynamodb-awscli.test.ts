import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { makeTempDir, REGION, startOurDynamoDb, type OurDynamoDbTarget } from './dynamodb/servers.js';

const run = promisify(execFile);
// Debian's awscli v2, not a pyenv shim: an independent SigV4 signer and DynamoDB client.
const AWS = '/usr/bin/aws';

describe('DynamoDB on our endpoint through the AWS CLI', () => {
  const tmp = makeTempDir('ddb-awscli-');
  const home = makeTempDir('ddb-awscli-home-');
  let ddb: OurDynamoDbTarget;
  beforeAll(async () => {
    ddb = await startOurDynamoDb(tmp.dir);
  });
  afterAll(async () => {
    await ddb.close();
    tmp.remove();
    home.remove();
  });

  /** Runs `aws dynamodb ARGS --output json` with env credentials and an empty HOME; resolves with its parsed output. */
  async function aws(args: string[], secretAccessKey = ddb.credentials.secretAccessKey): Promise<unknown> {
    const { stdout } = await run(AWS, ['dynamodb', ...args, '--endpoint-url', ddb.url, '--output', 'json'], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home.dir,
        AWS_ACCESS_KEY_ID: ddb.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: secretAccessKey,
        AWS_DEFAULT_REGION: REGION,
        AWS_PAGER: '',
        AWS_CONFIG_FILE: `${home.dir}/none`,
        AWS_SHARED_CREDENTIALS_FILE: `${home.dir}/none`,
      },
      timeout: 30_000,
    });
    return stdout.trim() === '' ? {} : JSON.parse(stdout);
  }

  it('creates a table, writes, reads, queries and scans items', async () => {
    const created = z
      .object({ TableDescription: z.object({ TableName: z.string() }) })
      .parse(
        await aws([
          'create-table',
          '--table-name', 'cli-jobs',
          '--attribute-definitions', 'AttributeName=owner,AttributeType=S', 'AttributeName=uid,AttributeType=S',
          '--key-schema', 'AttributeName=owner,KeyType=HASH', 'AttributeName=uid,KeyType=RANGE',
          '--billing-mode', 'PAY_PER_REQUEST',
        ]),
      );
    expect(created.TableDescription.TableName).toBe('cli-jobs');

    await aws(['put-item', '--table-name', 'cli-jobs', '--item', JSON.stringify({ owner: { S: 'ada' }, uid: { S: '1.a' }, exit: { N: '0' } })]);
    await aws([
      'put-item', '--table-name', 'cli-jobs',
      '--item', JSON.stringify({ owner: { S: 'ada' }, uid: { S: '2.b' }, exit: { N: '3' } }),
      '--condition-expression', 'attribute_not_exists(uid)',
    ]);
    expect(await aws(['get-item', '--table-name', 'cli-jobs', '--key', JSON.stringify({ owner: { S: 'ada' }, uid: { S: '1.a' } })])).toEqual({
      Item: { owner: { S: 'ada' }, uid: { S: '1.a' }, exit: { N: '0' } },
    });
    const queried = await aws([
      'query', '--table-name', 'cli-jobs',
      '--key-condition-expression', '#o = :o',
      '--expression-attribute-names', '{"#o":"owner"}',
      '--expression-attribute-values', '{":o":{"S":"ada"}}',
      '--no-scan-index-forward',
    ]);
    expect(queried).toMatchObject({ Count: 2, Items: [{ uid: { S: '2.b' } }, { uid: { S: '1.a' } }] });
    const scanned = await aws(['scan', '--table-name', 'cli-jobs', '--filter-expression', '#e > :zero', '--expression-attribute-names', '{"#e":"exit"}', '--expression-attribute-values', '{":zero":{"N":"0"}}']);
    expect(scanned).toMatchObject({ Count: 1, ScannedCount: 2, Items: [{ uid: { S: '2.b' } }] });
  });

  it('reports a failed condition as ConditionalCheckFailedException', async () => {
    await aws([
      'create-table',
      '--table-name', 'cli-claims',
      '--attribute-definitions', 'AttributeName=uid,AttributeType=S',
      '--key-schema', 'AttributeName=uid,KeyType=HASH',
      '--billing-mode', 'PAY_PER_REQUEST',
    ]);
    const claim = ['put-item', '--table-name', 'cli-claims', '--item', '{"uid":{"S":"job-1"}}', '--condition-expression', 'attribute_not_exists(uid)'];
    await aws(claim);
    await expect(aws(claim)).rejects.toMatchObject({ stderr: expect.stringContaining('ConditionalCheckFailedException') });
  });

  it('is refused with InvalidSignatureException when it signs with the wrong secret', async () => {
    await expect(aws(['list-tables'], 'w'.repeat(40))).rejects.toMatchObject({
      stderr: expect.stringContaining('InvalidSignatureException'),
    });
  });
});
