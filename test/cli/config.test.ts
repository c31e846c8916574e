import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveAdminConfig, resolveApiConfig } from '../../cli/config.js';
import { startFakeServer } from '../client/fake-server.js';
import type { FakeServer } from '../client/fake-server.js';
import { runCli } from './run-cli.js';

function writeLocalJson(dir: string, overrides: Record<string, unknown> = {}): void {
  mkdirSync(dir, { recursive: true });
  const config = {
    url: 'http://127.0.0.1:8080',
    auth: 'local-key',
    awsEndpoint: 'http://127.0.0.1:4566',
    region: 'us-east-1',
    accessKeyId: 'AKLOCAL',
    secretAccessKey: 'secret',
    bucket: 'aws-exec',
    table: 'aws-exec',
    ...overrides,
  };
  writeFileSync(join(dir, 'local.json'), JSON.stringify(config), { mode: 0o600 });
}

describe('resolveApiConfig', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'aws-exec-cli-config-'));
  writeLocalJson(join(cwd, '.aws-exec'));
  const other = join(cwd, 'other');
  writeLocalJson(other, { url: 'http://127.0.0.1:9999', auth: 'other-key' });

  it('uses PROJECT_URL and AUTH when set', () => {
    expect(resolveApiConfig({ env: { PROJECT_URL: 'https://exec.example.com/', AUTH: 'k' }, cwd })).toEqual({
      url: 'https://exec.example.com',
      auth: 'k',
      source: 'environment',
      local: false,
    });
  });

  it('turns PROJECT_DOMAIN into an https URL', () => {
    expect(resolveApiConfig({ env: { PROJECT_DOMAIN: 'exec.example.com', AUTH: 'k' }, cwd }).url).toBe('https://exec.example.com');
  });

  it('says AUTH is required with PROJECT_URL instead of sending the local key elsewhere', () => {
    expect(() => resolveApiConfig({ env: { PROJECT_URL: 'https://exec.example.com' }, cwd })).toThrow('AUTH is required with PROJECT_URL');
  });

  it('refuses a PROJECT_URL that is not http(s), quoting it', () => {
    expect(() => resolveApiConfig({ env: { PROJECT_URL: 'exec.example.com', AUTH: 'k' }, cwd })).toThrow(
      'Expected PROJECT_URL to be an http(s) URL, got `exec.example.com`',
    );
  });

  it('falls back to ./.aws-exec/local.json, whose key AUTH may override', () => {
    expect(resolveApiConfig({ env: {}, cwd })).toMatchObject({ url: 'http://127.0.0.1:8080', auth: 'local-key', local: true });
    expect(resolveApiConfig({ env: { AUTH: 'mine' }, cwd }).auth).toBe('mine');
  });

  it('reads AWS_EXEC_DATA_DIR, and --data-dir before everything else', () => {
    expect(resolveApiConfig({ env: { AWS_EXEC_DATA_DIR: other }, cwd }).url).toBe('http://127.0.0.1:9999');
    const env = { PROJECT_URL: 'https://exec.example.com', AUTH: 'k' };
    expect(resolveApiConfig({ env, cwd, dataDir: 'other' })).toMatchObject({ url: 'http://127.0.0.1:9999', source: join(other, 'local.json') });
  });

  it('says exactly what to set when nothing is configured', () => {
    const empty = mkdtempSync(join(tmpdir(), 'aws-exec-cli-empty-'));
    expect(() => resolveApiConfig({ env: {}, cwd: empty })).toThrow(
      /^No aws-exec API configured: set PROJECT_URL \(or PROJECT_DOMAIN\) and AUTH, or start the local runtime with `npm start`.*no .*\.aws-exec\/local\.json/,
    );
  });

  it('names a malformed local.json', () => {
    const broken = mkdtempSync(join(tmpdir(), 'aws-exec-cli-broken-'));
    writeFileSync(join(broken, 'local.json'), '{"url": 3}');
    expect(() => resolveApiConfig({ env: {}, cwd, dataDir: broken })).toThrow(/local\.json to hold a local runtime's settings/);
  });
});

describe('resolveAdminConfig', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'aws-exec-cli-admin-'));
  writeLocalJson(join(cwd, '.aws-exec'));

  it('uses PROJECT_TABLE, or PROJECT_NAME, with the SDK default chain', () => {
    expect(resolveAdminConfig({ env: { PROJECT_TABLE: 't1', PROJECT_NAME: 'n' }, cwd })).toEqual({ table: 't1', source: 'environment' });
    expect(resolveAdminConfig({ env: { PROJECT_NAME: 'n' }, cwd }).table).toBe('n');
  });

  it('falls back to the local runtime endpoint and credentials', () => {
    expect(resolveAdminConfig({ env: {}, cwd })).toMatchObject({
      table: 'aws-exec',
      aws: { endpoint: 'http://127.0.0.1:4566', region: 'us-east-1', credentials: { accessKeyId: 'AKLOCAL', secretAccessKey: 'secret' } },
    });
  });

  it('says what to set when there is no table', () => {
    const empty = mkdtempSync(join(tmpdir(), 'aws-exec-cli-empty-'));
    expect(() => resolveAdminConfig({ env: {}, cwd: empty })).toThrow(/^No auth table configured: set PROJECT_TABLE \(or PROJECT_NAME\)/);
  });
});

describe('the CLI with a local.json and no environment', () => {
  let server: FakeServer;
  afterEach(async () => server?.close());

  it('lists jobs from the API named in ./.aws-exec/local.json', async () => {
    server = await startFakeServer();
    const cwd = mkdtempSync(join(tmpdir(), 'aws-exec-cli-ls-'));
    writeLocalJson(join(cwd, '.aws-exec'), { url: server.url, auth: server.auth });
    const job = server.addJob({ argv: ['sh', '-c', 'echo hi'] });
    server.finish(job.uid, 0);
    const result = await runCli(['ls'], { cwd });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const lines = result.stdout.toString().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^UID +STATUS +EXIT +AGE +COMMAND$/);
    expect(lines[1]).toMatch(new RegExp(`^${job.uid.replace('.', '\\.')} +exited +0 +\\d+s +sh -c 'echo hi'$`));
  });

  it('exits 2 with what to set when there is no configuration at all', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'aws-exec-cli-none-'));
    const result = await runCli(['ls'], { cwd });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^aws-exec: No aws-exec API configured: set PROJECT_URL \(or PROJECT_DOMAIN\) and AUTH/);
  });

  it('exits 1 with the server message when the key is refused', async () => {
    server = await startFakeServer();
    const result = await runCli(['ls'], { env: { PROJECT_URL: server.url, AUTH: 'wrong' } });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('aws-exec: the API refused the auth key (HTTP 401: Unauthorized); check AUTH\n');
  });
});
