import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogBuffer } from '../../backend/shipper/log-buffer.js';
import { DEFAULT_LOG_CAP_BYTES, jobKeys, truncationMarker } from '../../protocol/index.js';
import { followJobLikeGo, startJobVia, startTestBackend, type TestBackend } from './helpers/backend.js';

describe('the backend under load, against the local AWS endpoint', () => {
  let backend: TestBackend;
  beforeAll(async () => {
    backend = await startTestBackend();
  });
  afterAll(async () => backend?.close());

  const readObject = async (key: string) => {
    try {
      const result = await backend.aws.clients.s3.send(new GetObjectCommand({ Bucket: backend.aws.bucket, Key: key }));
      return Buffer.from((await result.Body?.transformToByteArray()) ?? []);
    } catch {
      return undefined;
    }
  };

  it('runs the same job event delivered twice only once', async () => {
    const uid = await startJobVia(backend, backend.keys.alice, { argv: ['sh', '-c', 'echo once'] });
    const event = { 'event-type': 'exec', 'auth-name': backend.authNames.alice, uid, argv: ['sh', '-c', 'echo once'] };
    const again = await backend.aws.clients.lambda.send(
      new InvokeCommand({ FunctionName: backend.deps.config.functionName, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(event)) }),
    );
    const job = await followJobLikeGo(backend, backend.keys.alice, uid);
    expect(job.log.toString()).toBe('once\n');
    const third = await backend.aws.clients.lambda.send(
      new InvokeCommand({ FunctionName: backend.deps.config.functionName, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(event)) }),
    );
    const results = [again, third].map((result) => JSON.parse(Buffer.from(result.Payload ?? []).toString()) as { status: string });
    expect(results.filter((result) => result.status === 'skipped').length).toBeGreaterThanOrEqual(1);
    expect((await readObject(jobKeys(backend.authNames.alice, uid).log))?.toString()).toBe('once\n');
  });

  it('ships to caller-owned presigned PUT URLs in push-urls mode, size last', async () => {
    const s3 = backend.aws.clients.s3;
    const bucket = backend.aws.bucket;
    const keys = { log: 'caller/own/log.txt', exit: 'caller/own/exit', size: 'caller/own/size' };
    const presignPut = (key: string) => getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: 600 });
    const urls = { log: await presignPut(keys.log), exit: await presignPut(keys.exit), size: await presignPut(keys.size) };
    await startJobVia(backend, backend.keys.alice, { argv: ['sh', '-c', 'echo pushed; echo to-stderr >&2; exit 4'], 'push-urls': urls });
    await expect.poll(async () => (await readObject(keys.size))?.toString(), { timeout: 30_000 }).toBe('17');
    expect((await readObject(keys.log))?.toString()).toBe('pushed\nto-stderr\n');
    expect((await readObject(keys.exit))?.toString()).toBe('4');
  });

  it('runs 50 concurrent jobs, each log byte-exact', async () => {
    const count = 50;
    const uids = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        startJobVia(backend, backend.keys.alice, { argv: ['sh', '-c', `for n in 1 2 3; do echo "job ${i} line $n"; done; exit ${i % 7}`] }),
      ),
    );
    const jobs = await Promise.all(uids.map((uid) => followJobLikeGo(backend, backend.keys.alice, uid, 120_000)));
    jobs.forEach((job, i) => {
      expect(job.exit).toBe(i % 7);
      expect(job.log.toString()).toBe(`job ${i} line 1\njob ${i} line 2\njob ${i} line 3\n`);
    });
  }, 180_000);

  it('caps a 64 MiB job at 32 MiB with the exact head, marker and tail, uploading at most 1.5x the log (the final log extends the shipped head in place)', async () => {
    const script = [
      'const lines = 1024 * 1024; let i = 0;',
      'function line(n) { return (String(n).padStart(10, "0") + " ").padEnd(63, "x") + "\\n"; }',
      'function write() { while (i < lines) { let s = ""; for (let k = 0; k < 16384 && i < lines; k++) s += line(i++);',
      '  if (!process.stdout.write(s)) { process.stdout.once("drain", write); return; } } }',
      'write();',
    ].join('\n');
    await followJobLikeGo(backend, backend.keys.alice, await startJobVia(backend, backend.keys.alice, { argv: ['true'] }));
    const started = performance.now();
    const uid = await startJobVia(backend, backend.keys.alice, { argv: [process.execPath, '-e', script] });
    const job = await followJobLikeGo(backend, backend.keys.alice, uid, 120_000);
    const seconds = (performance.now() - started) / 1000;
    const total = 64 * 1024 * 1024;
    const { headLimit, tailLimit } = new LogBuffer(DEFAULT_LOG_CAP_BYTES);
    const line = (n: number) => `${`${String(n).padStart(10, '0')} `.padEnd(63, 'x')}\n`;
    const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => line(from + k)).join('');
    const head = lines(0, Math.ceil(headLimit / 64)).slice(0, headLimit);
    const tailText = lines(Math.floor((total - tailLimit) / 64), total / 64);
    const expected = head + truncationMarker(total - headLimit - tailLimit) + tailText.slice(tailText.length - tailLimit);
    expect(job.exit).toBe(0);
    expect(job.log.length).toBeLessThanOrEqual(DEFAULT_LOG_CAP_BYTES);
    expect(job.log.toString() === expected).toBe(true);
    const record = await backend.deps.jobs.getJob(uid);
    expect(record).toMatchObject({ status: 'exited', exit: 0, size: job.log.length });
    expect((record?.['uploaded-bytes'] ?? Infinity) / job.log.length).toBeLessThanOrEqual(1.5);
    const runSeconds = ((record?.['ended-at'] ?? 0) - (record?.['started-at'] ?? 0)) / 1000;
    const ratio = (record?.['uploaded-bytes'] ?? 0) / job.log.length;
    console.log(
      `64 MiB job: ${(total / 1024 / 1024 / seconds).toFixed(1)} MiB/s of output end to end (${seconds.toFixed(2)} s; job ran ${runSeconds.toFixed(2)} s); uploaded ${ratio.toFixed(2)}x the log in ${record?.uploads} uploads`,
    );
  }, 180_000);
});
