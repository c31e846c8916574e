import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InfraSet, loadInfra, resolveInfraVariables } from '../../../local/infra/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');
const fixture = (name: string) => join(here, 'fixtures', name);
const DIGEST = `sha256:${'0'.repeat(64)}`;

describe('loadInfra', () => {
  it("reads the repository's infra.yaml with the variables of its env.sh.template and the local endpoint's facts", () => {
    // Prepare: the template leaves the account, region and digest to the deploy; the local runtime supplies them.
    const variables = resolveInfraVariables({
      templateFile: join(repoRoot, 'env.sh.template'),
      env: { PATH: process.env.PATH },
      local: { PROJECT_ACCOUNT: '000000000000', PROJECT_REGION: 'us-east-1', PROJECT_IMAGE_DIGEST: DIGEST },
    });

    // Act
    const set = loadInfra(join(repoRoot, 'infra.yaml'), variables);

    // Assess: only what stays true while infra.yaml evolves.
    expect(InfraSet.safeParse(set).success).toBe(true);
    expect(set.name).toBe(variables.PROJECT_NAME);
    // The keys table and the jobs table, both keyed as the Go aws-exec keys its one table.
    expect(set.dynamodb.map((table) => table.name)).toEqual([variables.PROJECT_TABLE, variables.PROJECT_JOBS_TABLE]);
    for (const table of set.dynamodb) expect(table.keys).toEqual([{ attributeName: 'id', attributeType: 'S', keyType: 'HASH' }]);
    expect(set.sqs.map((queue) => queue.name)).toContain(`${variables.PROJECT_NAME}-events`);
    expect(set.s3).toHaveLength(1);
    const lambda = set.lambda.find((fn) => fn.triggers.some((trigger) => trigger.type === 'api'));
    expect(lambda?.entrypoint).toMatchObject({ kind: 'image', account: '000000000000', region: 'us-east-1', digest: DIGEST });
    expect(lambda?.triggers.map((trigger) => trigger.type)).toEqual(expect.arrayContaining(['api', 'schedule']));
    expect(lambda?.roleName).toBe(lambda?.name);
    expect(lambda?.rolePath).toBe(`/lambda/${lambda?.name}-path/`);
  });

  it("reads the original Go aws-exec's infra.yaml", () => {
    // Prepare: test/local/infra/fixtures/go-aws-exec.infra.yaml is nathants/aws-exec's infra.yaml
    // (commit 6f25c43, MIT licence), byte for byte.
    const variables = { PROJECT_NAME: 'aws-exec', PROJECT_BUCKET: 'my-exec-bucket', PROJECT_DOMAIN: 'exec.example.com', PROJECT_URL: 'https://exec.example.com' };

    // Act
    const set = loadInfra(fixture('go-aws-exec.infra.yaml'), variables);

    // Assess
    expect(set.name).toBe('aws-exec');
    expect(set.dynamodb.map((table) => table.name)).toEqual(['aws-exec']);
    expect(set.s3).toEqual([expect.objectContaining({ name: 'my-exec-bucket', acl: 'private', cors: true, ttlDays: 1 })]);
    const [lambda] = set.lambda;
    expect(lambda).toMatchObject({
      name: 'aws-exec',
      entrypoint: { kind: 'go', path: fixture('main.go'), runtime: 'provided.al2023', handler: 'main' },
      timeoutSeconds: 900,
      memoryMb: 128,
      concurrency: 0,
      logsTtlDays: 1,
      policy: ['AWSLambdaBasicExecutionRole'],
      include: ['./frontend/public/index.html.gz', './frontend/public/favicon.png', './cli', './readme.txt'],
      env: { PROJECT_NAME: 'aws-exec', PROJECT_DOMAIN: 'exec.example.com', PROJECT_URL: 'https://exec.example.com', PROJECT_BUCKET: 'my-exec-bucket' },
    });
    expect(lambda?.allow.map((allow) => [allow.action, allow.resource, allow.line])).toEqual([
      ['dynamodb:GetItem', 'arn:aws:dynamodb:*:*:table/aws-exec', 37],
      ['s3:*', 'arn:aws:s3:::my-exec-bucket', 38],
      ['s3:*', 'arn:aws:s3:::my-exec-bucket/*', 39],
      ['lambda:InvokeFunction', 'arn:aws:lambda:*:*:function:aws-exec', 40],
    ]);
    expect(lambda?.triggers).toEqual([
      { type: 'api', line: 26, dns: 'exec.example.com' },
      expect.objectContaining({ type: 'schedule', line: 29, expression: 'rate(5 minutes)', schedule: expect.objectContaining({ periodMs: 300_000 }) }),
    ]);
  });

  it('reads every section and attribute libaws knows into the model', () => {
    // Act
    const set = loadInfra(fixture('full.infra.yaml'), { STAGE: 'test', ACCOUNT: '123456789012' });

    // Assess
    expect(InfraSet.safeParse(set).success).toBe(true);
    expect(set.name).toBe('full-test');
    const [events, plain] = set.dynamodb;
    expect(events).toMatchObject({
      name: 'test-events',
      line: 5,
      ttlAttribute: 'expires',
      billing: { mode: 'PROVISIONED', read: 5, write: 10 },
      streamViewType: 'NEW_AND_OLD_IMAGES',
      tags: { 'libaws.infraset': 'full-test', team: 'infra' },
      globalIndexes: [
        { name: 'by-email', keys: [{ attributeName: 'email', attributeType: 'S', keyType: 'HASH' }], projection: { type: 'ALL', nonKeyAttributes: [] }, provisioned: { read: 2, write: 3 } },
        { name: 'by-day', projection: { type: 'INCLUDE', nonKeyAttributes: ['title'] }, provisioned: { read: 1, write: 1 } },
      ],
    });
    expect(events?.attributeDefinitions.map((def) => def.attributeName)).toEqual(['userid', 'version', 'email', 'day']);
    expect(events?.createTableInput).toMatchObject({
      TableName: 'test-events',
      BillingMode: 'PROVISIONED',
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 10 },
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    expect(plain).toMatchObject({ keys: [{ attributeName: 'id', attributeType: 'B', keyType: 'HASH' }], billing: { mode: 'PAY_PER_REQUEST' } });
    expect(plain?.createTableInput.StreamSpecification).toEqual({ StreamEnabled: false });

    const [publicBucket, emptyBucket, noCorsBucket] = set.s3;
    expect(publicBucket).toMatchObject({
      acl: 'public',
      cors: true,
      corsOrigins: ['https://example.com', 'http://localhost:3000'],
      ttlDays: 7,
      versioning: true,
      metrics: false,
      allowPut: ['ses.amazonaws.com'],
    });
    expect(publicBucket?.corsRules[0]?.AllowedOrigins).toEqual(['https://example.com', 'http://localhost:3000']);
    expect(emptyBucket).toMatchObject({ acl: 'private', corsRules: [], ttlDays: 0, encryption: true });
    expect(emptyBucket?.cors).toBeUndefined();
    expect(noCorsBucket).toMatchObject({ cors: false, corsRules: [] });

    expect(set.sqs).toEqual([{ name: 'test-queue', line: 52, attrs: ['timeout=60', 'DelaySeconds=5'] }]);
    expect(set.unmodeled.map((item) => `${item.section} ${item.name}`)).toEqual(['keypair test-keypair', 'instance-profile test-profile', 'vpc test-vpc']);

    const [python, worker] = set.lambda;
    expect(python).toMatchObject({
      entrypoint: { kind: 'python', path: fixture('src/handler.py'), handler: 'handler.main' },
      timeoutSeconds: 300,
      memoryMb: 128,
      concurrency: 0,
      logsTtlDays: 7,
      require: ['requests >2, <3'],
      include: ['static/*'],
      triggers: [],
    });
    expect(worker?.entrypoint).toEqual({
      kind: 'image',
      uri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/worker:v1.2',
      account: '123456789012',
      region: 'eu-west-1',
      repository: 'team/worker',
      tag: 'v1.2',
    });
    expect(worker).toMatchObject({ timeoutSeconds: 60, logsTtlDays: 0, env: { API: '${API_ID}', EQUALS: 'a=b', EMPTY: '' } });
    expect(worker?.allow).toEqual([
      { action: 'execute-api:ManageConnections', resource: 'arn:aws:execute-api:*:*:${API_ID}/*', line: 104, policyName: 'execute-api_ManageConnections__execute-api_ALL_ALL_${API_ID}__ALL' },
      { action: '*', resource: '*', line: 105, policyName: 'ALL__ALL' },
    ]);
    expect(worker?.triggers.map((trigger) => trigger.type)).toEqual(['api', 'schedule', 'schedule', 'sqs', 'websocket', 'url']);
    expect(worker?.triggers[0]).toEqual({ type: 'api', line: 88, domain: 'api.example.com' });
    expect(worker?.triggers[3]).toEqual({ type: 'sqs', line: 97, attrs: ['test-queue', 'batch=1'] });
  });
});
