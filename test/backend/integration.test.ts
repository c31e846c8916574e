import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobKeys } from '../../protocol/index.js';
import { followJobLikeGo, startJobVia, startTestBackend, type TestBackend } from './helpers/backend.js';

describe('the backend against the local AWS endpoint (S3, DynamoDB, Lambda)', () => {
  let backend: TestBackend;
  beforeAll(async () => {
    backend = await startTestBackend();
  });
  afterAll(async () => backend?.close());

  const readObject = async (key: string) => {
    const result = await backend.aws.clients.s3.send(new GetObjectCommand({ Bucket: backend.aws.bucket, Key: key }));
    return Buffer.from((await result.Body?.transformToByteArray()) ?? []);
  };

  it('runs echo through the async self-invoke and a Go-style client reads the log and the exit code', async () => {
    const uid = await startJobVia(backend, backend.keys.alice, { 'push-urls': null, argv: ['echo', 'hi'], 'rpc-name': '', 'rpc-args': '' });
    const job = await followJobLikeGo(backend, backend.keys.alice, uid);
    expect(job.log.toString()).toBe('hi\n');
    expect(job.exit).toBe(0);
    const keys = jobKeys(backend.authNames.alice, uid);
    expect((await readObject(keys.size)).toString()).toBe('3');
    expect((await readObject(keys.exit)).toString()).toBe('0');
  });

  it('keeps exit codes exact and logs byte-exact, invalid UTF-8 included', async () => {
    const bytes = Buffer.concat([Buffer.from('héllo ✓ 😀\n'), Buffer.from([0xff, 0xfe, 0x80, 0x0a])]);
    const uid = await startJobVia(backend, backend.keys.alice, {
      argv: [process.execPath, '-e', `process.stdout.write(Buffer.from('${bytes.toString('hex')}', 'hex')); process.exit(3)`],
    });
    const job = await followJobLikeGo(backend, backend.keys.alice, uid);
    expect(job.exit).toBe(3);
    expect(job.log.equals(bytes)).toBe(true);
  });

  it('runs a registered command by RPC', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'listdir-rpc-'));
    writeFileSync(join(dir, 'one.txt'), '1');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'two.txt'), '2');
    const uid = await startJobVia(backend, backend.keys.alice, { 'rpc-name': 'listdir', 'rpc-args': JSON.stringify({ path: dir }) });
    const job = await followJobLikeGo(backend, backend.keys.alice, uid);
    expect(job.exit).toBe(0);
    expect(job.log.toString()).toBe(`${join(dir, 'one.txt')}\n${join(dir, 'sub', 'two.txt')}\n`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('cancels a running job with exit 130 and a closing line', async () => {
    const uid = await startJobVia(backend, backend.keys.alice, { argv: ['bash', '-c', 'echo started; sleep 60'] });
    const keys = jobKeys(backend.authNames.alice, uid);
    await expect.poll(async () => (await readObject(keys.log)).toString(), { timeout: 20_000 }).toBe('started\n');
    const cancel = await backend.app.request(`/api/exec?uid=${uid}`, { method: 'DELETE', headers: { auth: backend.keys.alice } });
    expect(await cancel.json()).toEqual({ uid, status: 'cancelling' });
    const job = await followJobLikeGo(backend, backend.keys.alice, uid);
    expect(job.exit).toBe(130);
    expect(job.log.toString()).toBe('started\n[aws-exec] cancelled\n');
  });

  it("keeps a name's jobs from another name: no status, no cancel, not listed", async () => {
    const uid = await startJobVia(backend, backend.keys.alice, { argv: ['true'] });
    const asBob = { headers: { auth: backend.keys.bob } };
    expect((await backend.app.request(`/api/exec?uid=${uid}`, asBob)).status).toBe(404);
    expect((await backend.app.request(`/api/exec?uid=${uid}`, { ...asBob, method: 'DELETE' })).status).toBe(404);
    const listed = (await (await backend.app.request('/api/jobs', asBob)).json()) as { jobs: { uid: string }[] };
    expect(listed.jobs.map((job) => job.uid)).not.toContain(uid);
    const own = (await (await backend.app.request('/api/jobs', { headers: { auth: backend.keys.alice } })).json()) as { jobs: { uid: string }[] };
    expect(own.jobs.map((job) => job.uid)).toContain(uid);
    await followJobLikeGo(backend, backend.keys.alice, uid);
  });

  it('hands out presigned size and exit URLs that work once the job ends', async () => {
    const uid = await startJobVia(backend, backend.keys.alice, { argv: ['sh', '-c', 'echo out; exit 5'] });
    await followJobLikeGo(backend, backend.keys.alice, uid);
    const status = (await (await backend.app.request(`/api/exec?uid=${uid}&range-start=0`, { headers: { auth: backend.keys.alice } })).json()) as Record<string, string>;
    expect(await (await fetch(status['size-url'] ?? '')).text()).toBe('4');
    expect(await (await fetch(status['exit-url'] ?? '')).text()).toBe('5');
  });
});
