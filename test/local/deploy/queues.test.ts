import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand, GetQueueUrlCommand, ListQueueTagsCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalAws, type LocalAws } from '../../../local/aws/index.js';
import { defaultInfraFiles } from '../../../local/deploy/files.js';
import { loadDeploymentPlan } from '../../../local/deploy/plan.js';
import { ensureQueue } from '../../../local/provision-sqs.js';

let aws: LocalAws;
let sqs: SQSClient;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'aws-exec-queues-'));
  aws = await startLocalAws({ dataDir, port: 0 });
  sqs = new SQSClient({ endpoint: aws.endpoint, region: aws.region, credentials: aws.credentials });
});

afterAll(async () => {
  sqs?.destroy();
  await aws?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("infra.yaml's sqs section on the local SQS", () => {
  it('plans the events queue as libaws creates it: API attribute names, KmsMasterKeyId, the infra set tag', () => {
    const plan = loadDeploymentPlan({ ...defaultInfraFiles(), env: { PATH: process.env.PATH } });
    expect(plan.queues).toEqual([
      {
        name: 'aws-exec-events',
        attributes: { KmsMasterKeyId: 'alias/aws/sqs', MessageRetentionPeriod: '1209600', VisibilityTimeout: '60' },
        tags: { 'libaws.infraset': 'aws-exec' },
      },
    ]);
  });

  it('creates a missing queue, then updates only what changed, as libaws SQSEnsure does', async () => {
    const spec = { name: 'ensure-me', attributes: { KmsMasterKeyId: 'alias/aws/sqs', VisibilityTimeout: '60' }, tags: { 'libaws.infraset': 'demo' } };
    const log: string[] = [];
    expect(await ensureQueue(sqs, spec, (line) => log.push(line))).toBe('created');
    expect(await ensureQueue(sqs, spec, (line) => log.push(line))).toBe('existed');
    expect(await ensureQueue(sqs, { ...spec, attributes: { ...spec.attributes, VisibilityTimeout: '90' } }, (line) => log.push(line))).toBe('existed');
    expect(log).toEqual([
      'created queue: ensure-me',
      'created attribute for ensure-me: VisibilityTimeout = 60',
      'will update attr VisibilityTimeout for ensure-me: 60 => 90',
      'updated queue: ensure-me',
    ]);
    const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: 'ensure-me' }))).QueueUrl;
    const attributes = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['VisibilityTimeout', 'KmsMasterKeyId'] }))).Attributes;
    expect(attributes).toEqual({ VisibilityTimeout: '90', KmsMasterKeyId: 'alias/aws/sqs' });
    expect((await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags).toEqual({ 'libaws.infraset': 'demo' });
  });
});
