import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type JobSummary } from '../../client/index.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { runCli } from './run-cli.js';

// `aws-exec ls` against a real local runtime: 12 jobs that ended (one of them failed) and one
// still running, listed in pages of 5.
let runtime: TestRuntime;
let newestFirst: string[];
let running: string;
const cli = (args: string[]) => runCli(['--data-dir', runtime.dataDir, ...args]);
const lines = (text: Buffer) => text.toString().split('\n').filter((line) => line !== '');

beforeAll(async () => {
  runtime = await startTestRuntime();
  const client = createClient({ url: runtime.config.url, auth: runtime.config.auth });
  for (let index = 0; index < 12; index++) await client.exec({ argv: ['sh', '-c', `exit ${index === 4 ? 7 : 0}`] });
  running = await client.start({ argv: ['sleep', '60'] });
  // The index the listing reads may lag a write by a moment: wait until it shows all 13.
  const deadline = Date.now() + 10_000;
  do newestFirst = (await client.list({ limit: 100 })).map((job) => job.uid);
  while (newestFirst.length < 13 && Date.now() < deadline);
  expect(newestFirst).toHaveLength(13);
}, 120_000);
afterAll(async () => {
  await createClient({ url: runtime.config.url, auth: runtime.config.auth })
    .cancel(running)
    .catch(() => undefined);
  await runtime?.dispose();
});

describe('aws-exec ls', () => {
  it('prints one page as the API answers it with --json, and the next page with --cursor', async () => {
    const first = await cli(['ls', '--limit', '5', '--json']);
    expect(first.status).toBe(0);
    const page = JSON.parse(first.stdout.toString()) as { jobs: JobSummary[]; next?: string };
    expect(page.jobs.map((job) => job.uid)).toEqual(newestFirst.slice(0, 5));
    expect(page.next).toMatch(/^[A-Za-z0-9_.-]+$/);
    const second = JSON.parse((await cli(['ls', '--limit', '5', '--json', '--cursor', page.next ?? ''])).stdout.toString()) as { jobs: JobSummary[]; next?: string };
    expect(second.jobs.map((job) => job.uid)).toEqual(newestFirst.slice(5, 10));
    const last = JSON.parse((await cli(['ls', '--limit', '5', '--json', '--cursor', second.next ?? ''])).stdout.toString()) as { jobs: JobSummary[]; next?: string };
    expect(last).toEqual({ jobs: newestFirst.slice(10).map((uid) => expect.objectContaining({ uid })) });
  }, 60_000);

  it('says on stderr how to get the next page when more jobs follow a table', async () => {
    const result = await cli(['ls', '--limit', '5']);
    expect(lines(result.stdout)).toHaveLength(6);
    expect(result.stderr).toMatch(/^aws-exec: more jobs follow: `aws-exec ls --cursor [A-Za-z0-9_.-]+` for the next page, --all for every one\n$/);
    expect((await cli(['ls', '--limit', '20'])).stderr).toBe('');
  }, 60_000);

  it('filters by status', async () => {
    const active = await cli(['ls', '--status', 'queued,running', '-q']);
    expect(lines(active.stdout)).toEqual([running]);
    const exited = await cli(['ls', '--status', 'exited', '--limit', '100', '--json']);
    const jobs = (JSON.parse(exited.stdout.toString()) as { jobs: JobSummary[] }).jobs;
    expect(jobs.map((job) => job.uid)).toEqual(newestFirst.filter((uid) => uid !== running));
    expect(jobs.filter((job) => job.exit !== 0).map((job) => job.exit)).toEqual([7]);
    expect((await cli(['ls', '--status', 'queued'])).stdout.toString()).toBe('no queued jobs\n');
  }, 60_000);

  it('follows every page with --all: one table, uids with -q, one JSON job a line with --json', async () => {
    const table = await cli(['ls', '--all', '--limit', '5']);
    expect(table.status).toBe(0);
    const rows = lines(table.stdout);
    expect(rows[0]).toMatch(/^UID +STATUS +EXIT +AGE +COMMAND$/);
    expect(rows.slice(1).map((row) => row.split(' ')[0])).toEqual(newestFirst);
    // Streamed pages line up: every row's STATUS starts in the header's column.
    const column = rows[0]?.indexOf('STATUS');
    expect(rows.every((row) => row.slice(0, column).endsWith('  ') && row[column ?? 0] !== ' ')).toBe(true);
    expect(table.stderr).toBe('');
    expect(lines((await cli(['ls', '--all', '--limit', '5', '-q'])).stdout)).toEqual(newestFirst);
    const json = lines((await cli(['ls', '--all', '--limit', '4', '--status', 'exited', '--json'])).stdout).map((line) => JSON.parse(line) as JobSummary);
    expect(json.map((job) => job.uid)).toEqual(newestFirst.filter((uid) => uid !== running));
  }, 60_000);

  it('refuses a status, limit or cursor the API would refuse, with exit status 2', async () => {
    const status = await cli(['ls', '--status', 'done']);
    expect(status).toMatchObject({ status: 2 });
    expect(status.stderr).toContain('Expected one or more of queued, running, exited separated by commas, got `done`.');
    const limit = await cli(['ls', '--limit', '1001']);
    expect(limit).toMatchObject({ status: 2 });
    expect(limit.stderr).toContain('Expected an integer from 1 to 1000, got `1001`.');
    expect((await cli(['ls', '--cursor', 'not a cursor'])).status).toBe(2);
  }, 60_000);

  it("refuses another filter's cursor with the API's message", async () => {
    const next = (JSON.parse((await cli(['ls', '--limit', '5', '--json'])).stdout.toString()) as { next: string }).next;
    const result = await cli(['ls', '--status', 'exited', '--cursor', next]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Expected cursor to be the `next` of an earlier GET \/api\/jobs answer to this key with the same status filter/);
  }, 60_000);
});
