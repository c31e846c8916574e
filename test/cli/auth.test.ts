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
import { blake2b256Hex, putGoAuthKey, putLegacyAuthKey } from '../helpers/go-auth.js';
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
  await ensureTable(raw, {
    name: 'keys',
    keySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    attributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    globalIndexes: [],
    localIndexes: [],
    ttlAttribute: 'ttl',
  });
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
  const env = () => ({ AWS_EXEC_DATA_DIR: dataDir });

  it('creates a key, shown once on stdout, stored as the Go aws-exec stores it', async () => {
    const result = await runCli(['auth', 'new', 'alice'], { env: env() });
    expect(result.status).toBe(0);
    const key = result.stdout.toString().trim();
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    const hash = blake2b256Hex(key);
    const secret = /: (whsec_[A-Za-z0-9+/]{43}=)\n$/.exec(result.stderr)?.[1];
    expect(result.stderr).toBe(
      `Created an auth key of alice (its jobs: alice:${hash.slice(0, 16)}); it is shown only once.\n` +
        `Its webhook secret (verifies its jobs' notify webhooks; shown only once, rotate with \`auth webhook-secret\`): ${secret}\n`,
    );
    const item = await ddb.send(new GetCommand({ TableName: 'keys', Key: { id: `auth.${hash}` } }));
    // The Go aws-exec's item plus ours: created-at and the webhook secret (Go's reader ignores both).
    expect(item.Item).toEqual({ id: `auth.${hash}`, value: 'alice', 'created-at': expect.any(Number), 'webhook-secret': secret });
  });

  it('lists the keys as JSON with --json', async () => {
    const result = await runCli(['--data-dir', dataDir, 'auth', 'ls', '--json']);
    expect(result.status).toBe(0);
    const keys = JSON.parse(result.stdout.toString()) as { name: string; 'auth-name': string | null; 'created-at': number | null; legacy: boolean }[];
    const alice = keys.find((entry) => entry.name === 'alice');
    expect(alice).toMatchObject({ 'auth-name': expect.stringMatching(/^alice:[0-9a-f]{16}$/), legacy: false });
    expect(alice?.['created-at']).toBeGreaterThan(Date.parse('2020-01-01'));
  });

  it('gives a name a second key when asked, and refuses a malformed name (exit 2)', async () => {
    const again = await runCli(['auth', 'new', 'alice', '--data-dir', dataDir]);
    expect(again.status).toBe(0);
    const malformed = await runCli(['auth', 'new', '../x', '--data-dir', dataDir]);
    expect(malformed.status).toBe(2);
    expect(malformed.stderr).toMatch(/^aws-exec: Expected an auth name of 1-64 letters.*got `\.\.\/x`\n$/);
  });

  it('lists our keys, Go-written keys and legacy keys, each with its auth-name, creation time and hash', async () => {
    const gopher = await putGoAuthKey(raw, 'keys', 'gopher');
    const spaced = await putGoAuthKey(raw, 'keys', 'go user');
    const legacy = await putLegacyAuthKey(raw, 'keys', 'carol');
    const result = await runCli(['--data-dir', dataDir, 'auth', 'ls']);
    expect(result.status).toBe(0);
    const lines = result.stdout.toString().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME +AUTH-NAME +SCOPES +EXPIRES +CREATED +HASH$/);
    const rows = lines.slice(1).map((line) => line.split(/ {2,}/));
    expect(rows).toEqual([
      ['alice', expect.stringMatching(/^alice:[0-9a-f]{16}$/), 'all', '-', expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/), 'blake2b'],
      ['alice', expect.stringMatching(/^alice:[0-9a-f]{16}$/), 'all', '-', expect.stringMatching(/^\d{4}-/), 'blake2b'],
      ['carol', legacy.authName, 'all', '-', expect.stringMatching(/^\d{4}-/), 'sha256 (legacy)'],
      ['"go user"', `"${spaced.authName}"`, 'all', '-', '-', 'blake2b'],
      ['gopher', gopher.authName, 'all', '-', '-', 'blake2b'],
    ]);
  });

  it('refuses to remove a name with several keys (exit 1), removes one by auth-name, all with --all', async () => {
    const ambiguous = await runCli(['auth', 'rm', 'alice', '--data-dir', dataDir]);
    expect(ambiguous.status).toBe(1);
    expect(ambiguous.stderr).toMatch(/^aws-exec: Expected one key named `alice`, found 2 \(alice:[0-9a-f]{16}, alice:[0-9a-f]{16}\): remove one by its auth-name, or all of them with --all\n$/);
    const gopher = (await runCli(['auth', 'ls', '--data-dir', dataDir])).stdout.toString().match(/gopher:[0-9a-f]{16}/)?.[0] ?? 'none';
    const one = await runCli(['auth', 'rm', gopher, '--data-dir', dataDir]);
    // local.json's API (port 9) is down: the notice cannot go, and the CLI says what that means.
    expect(one).toMatchObject({ status: 0, stderr: expect.stringMatching(/^Removed from the table; warm API processes may accept it for up to AUTH_CACHE_MS \(30 s by default\) \(could not tell the API: .*\)\.\n$/) });
    expect(one.stdout.toString()).toBe(`removed ${gopher}\n`);
    const all = await runCli(['auth', 'rm', 'alice', '--all', '--data-dir', dataDir]);
    expect(all.status).toBe(0);
    expect(all.stdout.toString()).toMatch(/^removed alice:[0-9a-f]{16}\nremoved alice:[0-9a-f]{16}\n$/);
    const legacy = await runCli(['auth', 'rm', 'carol', '--data-dir', dataDir]);
    expect(legacy.stdout.toString()).toBe('removed carol\n');
    const list = await runCli(['auth', 'ls', '--data-dir', dataDir]);
    expect(list.stdout.toString()).not.toMatch(/^(alice|carol|gopher) /m);
  });

  it('removes a key by its id as the Go aws-exec auth-rm takes it, and says when there is none', async () => {
    const written = await putGoAuthKey(raw, 'keys', 'byid');
    const removed = await runCli(['auth', 'rm', written.id.slice('auth.'.length), '--data-dir', dataDir]);
    expect(removed.stdout.toString()).toBe(`removed ${written.authName}\n`);
    const missing = await runCli(['auth', 'rm', 'byid', '--data-dir', dataDir]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('aws-exec: no auth key with the auth-name, id or name `byid`\n');
  });

  it('says what to set when no table is configured', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'aws-exec-cli-noauth-'));
    const result = await runCli(['auth', 'ls'], { cwd: empty });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^aws-exec: No auth table configured: set PROJECT_TABLE \(or PROJECT_NAME\)/);
  });
});
