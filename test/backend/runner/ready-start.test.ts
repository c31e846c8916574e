import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { findProgram, readyStartCounts } from '../../../backend/runner/ready-start.js';
import { prepareSubprocess, runSubprocess, type SubprocessOptions } from '../../../backend/runner/subprocess.js';
import { daemonScript, readDaemonPids } from '../../helpers/daemons.js';
import { isProcessAlive, killLeftovers, probeCgroups } from '../../helpers/processes.js';

const leftovers: number[] = [];
afterEach(() => killLeftovers(leftovers));

async function run(argv: string[], options: Partial<SubprocessOptions> = {}) {
  let output = '';
  const end = await runSubprocess({
    argv,
    onOutput: (chunk) => (output += chunk.toString()),
    signal: new AbortController().signal,
    killGraceMs: 500,
    cwd: process.cwd(),
    ...options,
  });
  return { end, output };
}

/** Runs argv from a ready process (prepared first); fails unless it really started from one. */
async function runFromReady(argv: string[]) {
  await prepareSubprocess({ cwd: process.cwd() });
  const before = readyStartCounts.ready;
  const result = await run(argv);
  expect(readyStartCounts.ready, 'started from the ready process').toBe(before + 1);
  return result;
}


describe.skipIf(!probeCgroups())('a job started from a ready process (made ahead, already in its cgroup)', () => {
  it('gets its argv byte for byte (quotes, newlines, $, spaces), its exit code and its own fresh cgroup', async () => {
    const script = 'printf "%s|" "$0" "$1"; echo; tail -n 1 /proc/self/cgroup; pwd; exit 3';
    const first = await runFromReady(['sh', '-c', script, "it's", 'two\nlines $HOME `x` "q" \\']);
    expect(first.end).toEqual({ kind: 'exited', code: 3 });
    expect(first.output.startsWith("it's|two\nlines $HOME `x` \"q\" \\|\n")).toBe(true);
    expect(first.output.endsWith(`\n${process.cwd()}\n`)).toBe(true);
    const second = await runFromReady(['sh', '-c', script, 'a', 'b']);
    const jobCgroup = (output: string) => /^0::.*\/(aws-exec-job-[^/\n]+)$/m.exec(output)?.[1];
    expect(jobCgroup(first.output)).toBeDefined();
    expect(jobCgroup(second.output)).toBeDefined();
    expect(jobCgroup(second.output)).not.toBe(jobCgroup(first.output));
  });

  it('sees the environment a direct spawn sees', async () => {
    const { output } = await runFromReady(['env']);
    const direct = spawnSync('env', { env: process.env, encoding: 'utf8' }).stdout;
    const sorted = (text: string) => text.split('\n').filter(Boolean).sort();
    expect(sorted(output)).toEqual(sorted(direct));
  });

  it('leaves nothing running when it returns: setsid, setsid -f, env -i setsid -f, a double fork and nohup', async () => {
    const { end, output } = await runFromReady(['sh', '-c', daemonScript('exit 3')]);
    const pids = readDaemonPids(output);
    leftovers.push(...Object.values(pids));
    expect(end).toEqual({ kind: 'exited', code: 3 });
    expect(Object.keys(pids)).toHaveLength(5);
    expect(Object.values(pids).filter((pid) => isProcessAlive(pid))).toEqual([]);
  });

  it('reports a missing program and a non-executable one as spawn() does, keeping the ready process for the next job', async () => {
    await prepareSubprocess({ cwd: process.cwd() });
    const before = { ...readyStartCounts };
    expect((await run(['no-such-program-here'])).end).toEqual({ kind: 'not-started', errno: 'ENOENT', message: 'spawn no-such-program-here ENOENT' });
    expect((await run(['/etc/passwd'])).end).toEqual({ kind: 'not-started', errno: 'EACCES', message: 'spawn /etc/passwd EACCES' });
    const long = 'x'.repeat(300);
    expect((await run([long])).end).toEqual({ kind: 'not-started', errno: 'ENAMETOOLONG', message: 'spawn ENAMETOOLONG' });
    expect(readyStartCounts).toEqual(before);
    expect((await run(['true'])).end).toEqual({ kind: 'exited', code: 0 });
    expect(readyStartCounts.ready).toBe(before.ready + 1);
  });

  it('takes the usual path for another working directory, another environment or a program named like an option', async () => {
    await prepareSubprocess({ cwd: process.cwd() });
    const before = { ...readyStartCounts };
    expect(await run(['pwd'], { cwd: '/tmp' })).toEqual({ end: { kind: 'exited', code: 0 }, output: '/tmp\n' });
    expect(await run(['sh', '-c', 'echo $ONLY_HERE'], { env: { ...process.env, ONLY_HERE: 'yes' } })).toEqual({
      end: { kind: 'exited', code: 0 },
      output: 'yes\n',
    });
    expect((await run(['-x'])).end).toMatchObject({ kind: 'not-started', errno: 'ENOENT' });
    expect(readyStartCounts).toEqual({ ready: before.ready, usual: before.usual + 3 });
  });
});

describe('findProgram (execvp(3)\'s search)', () => {
  it('finds a program through PATH, a path with a slash as given, and tells ENOENT from EACCES', () => {
    expect(findProgram('sh', '/nowhere:/bin:/usr/bin', '/')).toBeUndefined();
    expect(findProgram('/bin/sh', '', '/')).toBeUndefined();
    expect(findProgram('bin/sh', '', '/')).toBeUndefined();
    expect(findProgram('sh', '/nowhere', '/')).toBe('ENOENT');
    expect(findProgram('passwd', '/etc', '/')).toBe('EACCES');
    expect(findProgram('etc', '/', '/')).toBe('EACCES');
    expect(findProgram('x'.repeat(300), '/bin', '/')).toBe('ENAMETOOLONG');
  });
});
