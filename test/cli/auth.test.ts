import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalAws } from '../../local/aws/index.js';
import type { LocalAws } from '../../local/aws/index.js';
import { writeLocalJson } from '../../local/local-json.js';
import { ensureTable } from '../../local/provision.js';
import { authRecordId } from '../../protocol/index.js';
import { runCli } from './run-cli.js';

// `auth new/ls/rm` talk to DynamoDB directly: here the local AWS endpoint (a real
// server on 127.0.0.1 that verifies SigV4), found through a local.json in a temp dir.
let aws: LocalAws;
let dataDir: string;
let ddb: DynamoDBDocumentClient;
let raw: DynamoDBClient;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'aws-exec-cli-auth-'));
  aws = await startLocalAws({ dataDir, port: 0 });
  raw = new DynamoDBClient({ endpoint: aws.endpoint, region: aws.region, credentials: aws.credentials });
  ddb = DynamoDBDocumentClient.from(raw);
  await ensureTable(raw, 'keys');
  writeLocalJson(dataDir, {
    url: 'http://127.0.0.1:9',
    auth: 'unused',
    awsEndpoint: aws.endpoint,
    region: aws.region,
    accessKeyId: aws.credentials.accessKeyId,
    secretAccessKey: aws.credentials.secretAccessKey,
    bucket: 'unused',
    table: 'keys',
  });
});

afterAll(async () => {
  raw?.destroy();
  await aws?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('aws-exec auth', () => {
  it('creates a key, shown once on stdout, stored only as its hash', async () => {
    const result = await runCli(['auth', 'new', 'alice'], { env: { AWS_EXEC_DATA_DIR: dataDir } });
    expect(result.status).toBe(0);
    const key = result.stdout.toString().trim();
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(result.stderr).toBe('Created the auth key of alice; it is shown only once.\n');
    const item = await ddb.send(new GetCommand({ TableName: 'keys', Key: { id: await authRecordId(key) } }));
    expect(item.Item?.value).toBe('alice');
  });

  it('lists the names with their creation time', async () => {
    await runCli(['auth', 'new', 'bob'], { env: { AWS_EXEC_DATA_DIR: dataDir } });
    const result = await runCli(['--data-dir', dataDir, 'auth', 'ls']);
    expect(result.status).toBe(0);
    expect(result.stdout.toString()).toMatch(/^NAME {3}CREATED\nalice {2}\d{4}-\d\d-\d\dT[\d:.]+Z\nbob {4}\d{4}-/);
  });

  it('lists the names as JSON with --json', async () => {
    const result = await runCli(['--data-dir', dataDir, 'auth', 'ls', '--json']);
    expect(result.status).toBe(0);
    const names = JSON.parse(result.stdout.toString()) as { name: string; 'created-at': number }[];
    expect(names.map((entry) => entry.name)).toEqual(['alice', 'bob']);
    for (const entry of names) expect(entry['created-at']).toBeGreaterThan(Date.parse('2020-01-01'));
  });

  it('refuses a name that already has a key (exit 1) and a malformed name (exit 2)', async () => {
    const again = await runCli(['auth', 'new', 'alice', '--data-dir', dataDir]);
    expect(again.status).toBe(1);
    expect(again.stderr).toBe('aws-exec: Expected a new auth name, but `alice` already has a key (remove it first)\n');
    const malformed = await runCli(['auth', 'new', '../x', '--data-dir', dataDir]);
    expect(malformed.status).toBe(2);
    expect(malformed.stderr).toMatch(/^aws-exec: Expected an auth name of 1-64 letters.*got `\.\.\/x`\n$/);
  });

  it('removes a key, and says when there is none', async () => {
    const removed = await runCli(['auth', 'rm', 'bob', '--data-dir', dataDir]);
    expect(removed).toMatchObject({ status: 0, stderr: '' });
    expect(removed.stdout.toString()).toBe('removed bob\n');
    const missing = await runCli(['auth', 'rm', 'bob', '--data-dir', dataDir]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('aws-exec: no auth key named `bob`\n');
    const list = await runCli(['auth', 'ls', '--data-dir', dataDir]);
    expect(list.stdout.toString()).not.toMatch(/^bob/m);
  });

  it('says what to set when no table is configured', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'aws-exec-cli-noauth-'));
    const result = await runCli(['auth', 'ls'], { cwd: empty });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^aws-exec: No auth table configured: set PROJECT_TABLE \(or PROJECT_NAME\)/);
  });
});
