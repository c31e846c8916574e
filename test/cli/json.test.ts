import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { playJob, startFakeServer } from '../client/fake-server.js';
import type { FakeServer } from '../client/fake-server.js';
import { REPO } from '../helpers/runtime.js';
import { runCli } from './run-cli.js';

let server: FakeServer;
afterEach(async () => server?.close());

const env = () => ({ PROJECT_URL: server.url, AUTH: server.auth });
const lines = (text: string) => text.split('\n').filter((line) => line !== '');
const parseLines = (text: string) => lines(text).map((line) => JSON.parse(line) as Record<string, unknown>);

/** A finished job holding `log` and exit `code`. */
function finishedJob(log: string, code: number): string {
  const job = server.addJob();
  server.append(job.uid, log);
  server.finish(job.uid, code);
  return job.uid;
}

describe('the CLI for scripts: --json, the job line on stderr, show, ls -q, --version', () => {
  it('says `job UID · URL/#/job/UID` on stderr when a job starts, and prints {uid, url} with --detach --json', async () => {
    server = await startFakeServer();
    const result = await runCli(['exec', '--detach', '--json', '--', 'sleep', '600'], { env: env() });
    expect(result.status).toBe(0);
    const uid = [...server.jobs.keys()][0] ?? '';
    expect(JSON.parse(result.stdout.toString())).toEqual({ uid, url: `${server.url}/#/job/${uid}` });
    expect(result.stderr).toBe(`job ${uid} · ${server.url}/#/job/${uid}\n`);
  });

  it('streams one JSON object per chunk and then the exit with exec --json, text decoded across chunk cuts', async () => {
    server = await startFakeServer();
    const euro = Buffer.from('€');
    server.onStart = (job) => void playJob(server, job.uid, [Buffer.concat([Buffer.from('a '), euro.subarray(0, 2)]), 40, Buffer.concat([euro.subarray(2), Buffer.from('\n')])], 3);
    const result = await runCli(['exec', '--json', '--', 'sh', '-c', 'x'], { env: env() });
    expect(result.status).toBe(3);
    const records = parseLines(result.stdout.toString());
    expect(records.map((record) => record.text ?? '').join('')).toBe('a €\n');
    expect(records.at(-1)).toEqual({ exit: 3, offset: 6 });
    expect(records.slice(0, -1).every((record) => typeof record.offset === 'number')).toBe(true);
  });

  it('tails as JSON, from the last N lines, and with each line stamped with its arrival time', async () => {
    server = await startFakeServer();
    const uid = finishedJob('one\ntwo\nthree\nfour\n', 0);
    const json = await runCli(['tail', uid, '--json', '--timestamps'], { env: env() });
    const records = parseLines(json.stdout.toString());
    expect(records[0]).toEqual({ offset: 19, time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), text: 'one\ntwo\nthree\nfour\n' });
    expect(records[1]).toEqual({ exit: 0, offset: 19 });

    const last = await runCli(['tail', uid, '--lines', '2'], { env: env() });
    expect(last.stdout.toString()).toBe('three\nfour\n');
    const stamped = await runCli(['tail', uid, '-n', '3', '--timestamps'], { env: env() });
    expect(lines(stamped.stdout.toString())).toEqual([
      expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z two$/),
      expect.stringMatching(/Z three$/),
      expect.stringMatching(/Z four$/),
    ]);
    const both = await runCli(['tail', uid, '--lines', '2', '--from', '3'], { env: env() });
    expect(both).toMatchObject({ status: 2, stderr: 'aws-exec: Expected --from or --lines, not both\n' });
  });

  it('cancels with --json, shows one job as text and JSON, and lists only uids with ls -q', async () => {
    server = await startFakeServer();
    const running = server.addJob();
    const cancel = await runCli(['cancel', running.uid, '--json'], { env: env() });
    expect(JSON.parse(cancel.stdout.toString())).toEqual({ uid: running.uid, status: 'cancelling' });
    const done = finishedJob('hi\n', 3);
    const shown = await runCli(['show', done], { env: env() });
    expect(shown.status).toBe(0);
    expect(shown.stdout.toString()).toMatch(new RegExp(`^uid +${done.replace('.', '\\.')}\nstatus +exited, exit 3\ncommand +true\nstarted .*ago\\)\n`));
    expect(shown.stdout.toString()).toContain(`page     ${server.url}/#/job/${done}\n`);
    const asJson = JSON.parse((await runCli(['show', done, '--json'], { env: env() })).stdout.toString()) as Record<string, unknown>;
    expect(asJson).toMatchObject({ uid: done, status: 'exited', exit: 3, url: `${server.url}/#/job/${done}` });
    const unknown = await runCli(['show', '1700000000.123e4567-e89b-12d3-a456-426614174000'], { env: env() });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/^aws-exec: no job 1700000000\.123e4567-e89b-12d3-a456-426614174000 among your jobs \(unknown, expired, or another key.s\)\n$/);
    const quiet = await runCli(['ls', '-q'], { env: env() });
    expect(lines(quiet.stdout.toString()).sort()).toEqual([running.uid, done].sort());
  });

  it('prints its version', async () => {
    const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
    for (const flag of ['--version', '-V']) expect((await runCli([flag])).stdout.toString()).toBe(`${version}\n`);
  });
});

describe('errors that say what to do', () => {
  let xml: Server | undefined;
  afterEach(() => xml?.close());

  it('says the URL is an AWS endpoint, not the API, when S3 XML answers', async () => {
    xml = createServer((_request, response) => {
      response.writeHead(403, { 'content-type': 'application/xml' });
      response.end('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Unsigned request</Message></Error>');
    });
    await new Promise<void>((resolve) => xml?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(xml.address() as AddressInfo).port}`;
    const result = await runCli(['ls'], { env: { PROJECT_URL: url, AUTH: 'k' } });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `aws-exec: Expected the aws-exec API at ${url}, got an AWS service's XML error (AccessDenied): that URL is an AWS endpoint, not the API. Use the API's URL: for the local runtime the \`url\` of .aws-exec/local.json (port 8080 by default), not its \`awsEndpoint\` (4566)\n`,
    );
  });

  it('says the local runtime is not running when its URL refuses connections', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aws-exec-stopped-'));
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const local = { url: `http://127.0.0.1:${port}`, auth: 'k', awsEndpoint: 'http://127.0.0.1:1', region: 'us-east-1', accessKeyId: 'a', secretAccessKey: 's', bucket: 'b', table: 't' };
    writeFileSync(join(dir, 'local.json'), JSON.stringify(local));
    const result = await runCli(['--data-dir', dir, 'ls']);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `aws-exec: nothing answers at http://127.0.0.1:${port} (connection refused): the local runtime of ${join(dir, 'local.json')} is not running. Start it with \`npm start\` (or \`aws-exec serve\`) and try again\n`,
    );
  });

  it('says the host cannot be found for an unreachable URL', async () => {
    const result = await runCli(['ls'], { env: { PROJECT_URL: 'http://no-such-host.invalid', AUTH: 'k' } });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^aws-exec: cannot find the host of http:\/\/no-such-host\.invalid \((ENOTFOUND|EAI_AGAIN)\): check PROJECT_URL or PROJECT_DOMAIN, and your DNS\n$/);
  }, 60_000);
});

describe('aws-exec completion', () => {
  it('prints a bash script that loads and completes subcommands, flags and auth subcommands', async () => {
    const script = (await runCli(['completion', 'bash'])).stdout.toString();
    const complete = (line: string) => {
      const words = line.split(' ');
      const probe = `${script}\nCOMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _aws_exec; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const ran = spawnSync('bash', ['--norc', '-c', probe], { encoding: 'utf8' });
      expect(ran.stderr).toBe('');
      return ran.stdout.split('\n').filter(Boolean);
    };
    expect(spawnSync('bash', ['--norc', '-c', `${script}\ncomplete -p aws-exec`], { encoding: 'utf8' }).stdout).toBe('complete -o default -F _aws_exec aws-exec\n');
    expect(complete('aws-exec ta')).toEqual(['tail']);
    expect(complete('aws-exec tail --ti')).toEqual(['--timestamps']);
    expect(complete('aws-exec auth ')).toEqual(['new', 'ls', 'rm', 'webhook-secret']);
    expect(complete('aws-exec --data-dir /tmp exec --de')).toEqual(['--detach']);
    expect(complete('aws-exec db-copy --mo')).toEqual(['--mode']);
  });

  it('prints zsh and fish scripts, and refuses another shell', async () => {
    const zsh = (await runCli(['completion', 'zsh'])).stdout.toString();
    expect(zsh).toMatch(/^#compdef aws-exec\n/);
    expect(zsh).toContain('bashcompinit');
    const fish = (await runCli(['completion', 'fish'])).stdout.toString();
    expect(fish).toContain("complete -c aws-exec -n __fish_use_subcommand -a tail -d 'follow a job");
    expect(fish).toContain("complete -c aws-exec -n '__fish_seen_subcommand_from tail' -l lines -s n -d");
    expect(fish).toContain("complete -c aws-exec -n '__fish_seen_subcommand_from tail' -a '(aws-exec ls -q --limit 50 2>/dev/null)'");
    const other = await runCli(['completion', 'tcsh']);
    expect(other).toMatchObject({ status: 2, stderr: 'aws-exec: Expected a shell among bash, zsh and fish, got `tcsh`\n' });
  });
});
