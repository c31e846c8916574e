import { afterAll, describe, expect, it } from 'vitest';
import { MAX_LOG_LINE_BYTES } from '../../backend/log.js';
import { createGoClient } from '../helpers/go-client.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';

// Every line the backend logs is bounded (backend/log.ts), whatever a request carries.
const runtimes: TestRuntime[] = [];

afterAll(async () => {
  for (const runtime of runtimes) await runtime.dispose();
});

describe('log lines', () => {
  it('bounds the job-end line of a job whose argv[0] is 200 KB, and its closing line in the job log', async () => {
    const runtime = await startTestRuntime();
    runtimes.push(runtime);
    const go = createGoClient({ url: runtime.config.url, auth: runtime.config.auth });
    const program = 'x'.repeat(200_000);
    const uid = await go.start({ argv: [program, 'arg'] });
    const job = await go.follow(uid);
    expect(job.exit).toBe(127);
    // The kernel refuses so long a name (ENAMETOOLONG): the closing line names it, cut.
    const closing = job.log.toString('utf8');
    expect(closing.startsWith(`[aws-exec] could not start ${'x'.repeat(256)}…[cut ${200_000 - 256} chars]: `)).toBe(true);
    expect(Buffer.byteLength(closing)).toBeLessThan(1_024);

    const lines = runtime.output().split('\n');
    const ended = lines.find((line) => line.includes('"job finished"') && line.includes(uid));
    if (ended === undefined) throw new Error(`Expected the job-end line of ${uid} in the runtime's output`);
    const json = ended.slice(ended.indexOf('{'));
    expect(Buffer.byteLength(json)).toBeLessThan(1_024);
    expect(JSON.parse(json)).toMatchObject({ program: `${'x'.repeat(256)}…[cut ${200_000 - 256} chars]`, exit: 127 });
    // Every line the backend's functions wrote (each prefixed with the function's name) is within the bound.
    const backendLines = lines.filter((line) => line.startsWith('[aws-exec'));
    expect(backendLines.length).toBeGreaterThan(0);
    for (const line of backendLines) expect(Buffer.byteLength(line.slice(line.indexOf('{')))).toBeLessThanOrEqual(MAX_LOG_LINE_BYTES);
  }, 60_000);
});
