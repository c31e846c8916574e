import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ContainmentOptions } from '../../../backend/runner/containment.js';
import { runSubprocess } from '../../../backend/runner/subprocess.js';
import { daemonScript, readAllDaemonPids, readDaemonPids, type DaemonKind } from '../../helpers/daemons.js';
import { isProcessAlive, killLeftovers, probeCgroups } from '../../helpers/processes.js';

const leftovers: number[] = [];
afterEach(() => killLeftovers(leftovers));

/** Runs the daemon script; with `abortAfterMs`, aborts that long after every daemon printed its pid. */
async function runDaemons(then: string, containment: ContainmentOptions, abortAfterMs?: number, prefix = '') {
  const controller = new AbortController();
  let output = '';
  const running = runSubprocess({
    argv: ['sh', '-c', prefix + daemonScript(then)],
    onOutput: (chunk) => {
      output += chunk.toString();
      if (abortAfterMs !== undefined && readAllDaemonPids(output)) setTimeout(() => controller.abort(), abortAfterMs);
    },
    signal: controller.signal,
    killGraceMs: 500,
    containment,
  });
  const end = await running;
  const pids = readDaemonPids(output);
  leftovers.push(...Object.values(pids));
  return { end, output, pids };
}

function aliveKinds(pids: Partial<Record<DaemonKind, number>>): string[] {
  return Object.entries(pids)
    .filter(([, pid]) => isProcessAlive(pid))
    .map(([kind]) => kind);
}


const cgroups = probeCgroups();

describe.skipIf(!cgroups)('a job in its own cgroup', () => {
  it('leaves nothing running when it returns: setsid, setsid -f, env -i setsid -f, a double fork and nohup', async () => {
    const { end, pids } = await runDaemons('exit 3', {});
    expect(end).toEqual({ kind: 'exited', code: 3 });
    expect(Object.keys(pids).sort()).toEqual(['double-fork', 'env-i', 'nohup', 'setsid-bg', 'setsid-f']);
    expect(aliveKinds(pids)).toEqual([]);
  });

  it('leaves nothing running after an abort, and reports the SIGTERM the main process got', async () => {
    const { end, pids } = await runDaemons('sleep 600', {}, 0);
    expect(end).toEqual({ kind: 'signalled', signal: 'SIGTERM', number: 15 });
    expect(Object.keys(pids)).toHaveLength(5);
    expect(aliveKinds(pids)).toEqual([]);
  });

  it('leaves nothing running after an abort when every process ignores SIGTERM', async () => {
    const { end, pids } = await runDaemons('sleep 600', {}, 0, "trap '' TERM\n");
    expect(end).toEqual({ kind: 'signalled', signal: 'SIGKILL', number: 9 });
    expect(Object.keys(pids)).toHaveLength(5);
    expect(aliveKinds(pids)).toEqual([]);
  });

  it('sends SIGTERM to detached processes on abort before it kills them', async () => {
    const script = `setsid -f sh -c 'trap "echo daemon-got-term; exit 0" TERM; echo ready; while :; do sleep 0.05; done'`;
    const controller = new AbortController();
    let output = '';
    await runSubprocess({
      argv: ['sh', '-c', `${script}\nsleep 600`],
      onOutput: (chunk) => {
        output += chunk.toString();
        if (output.includes('ready')) controller.abort();
      },
      signal: controller.signal,
      killGraceMs: 2_000,
    });
    expect(output).toContain('daemon-got-term');
  });
});

describe('a job tracked through /proc (no cgroup)', () => {
  it('kills what kept the job marker, its process group or its session', async () => {
    const { end, pids } = await runDaemons('exit 3', { cgroups: false });
    expect(end).toEqual({ kind: 'exited', code: 3 });
    expect(Object.keys(pids)).toHaveLength(5);
    // env -i setsid -f cuts every link within microseconds: only the sandbox sweep finds it (below).
    expect(aliveKinds(pids).filter((kind) => kind !== 'env-i')).toEqual([]);
  });

  it('kills them after an abort too, when they ignore SIGTERM', async () => {
    const { end, pids } = await runDaemons('sleep 600', { cgroups: false }, 0, "trap '' TERM\n");
    expect(end).toEqual({ kind: 'signalled', signal: 'SIGKILL', number: 9 });
    expect(Object.keys(pids)).toHaveLength(5);
    expect(aliveKinds(pids).filter((kind) => kind !== 'env-i')).toEqual([]);
  });

  it('finds a scrubbed daemon that a scan saw while its parent lived', async () => {
    const script = `env -i setsid sh -c 'echo late $$; exec sleep 600' &\nsleep 0.6`;
    let output = '';
    await runSubprocess({
      argv: ['sh', '-c', script],
      onOutput: (chunk) => (output += chunk.toString()),
      signal: new AbortController().signal,
      killGraceMs: 500,
      containment: { cgroups: false },
    });
    const pid = Number(/^late (\d+)$/m.exec(output)?.[1]);
    leftovers.push(pid);
    expect(pid).toBeGreaterThan(0);
    expect(isProcessAlive(pid)).toBe(false);
  });
});

const unshare = ['/usr/bin/unshare', '/bin/unshare'].find((path) => existsSync(path));
const canUnshare = unshare !== undefined && process.getuid?.() === 0;

/** Runs sandbox-job.ts in a PID namespace of its own and returns its report. */
function runInSandbox(command: string[]): { end: unknown; daemons: string[]; alive: string[] } {
  const result = spawnSync(unshare!, ['--pid', '--fork', '--mount-proc', ...command], { encoding: 'utf8', timeout: 60_000 });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as { end: unknown; daemons: string[]; alive: string[] };
}

describe.skipIf(!canUnshare)('a job tracked through /proc in a sandbox (a PID namespace of its own, as on Lambda)', () => {
  const script = join(import.meta.dirname, 'sandbox-job.ts');

  it('kills every daemon, the scrubbed setsid -f one included, when sweeping orphans', () => {
    // sh stays PID 1 (`; :` keeps it from exec'ing node), so orphans go to it, not to the runner.
    const report = runInSandbox(['sh', '-c', `"$0" --import tsx "$1"; :`, process.execPath, script]);
    expect(report.end).toEqual({ kind: 'exited', code: 0 });
    expect(report.daemons.sort()).toEqual(['double-fork', 'env-i', 'nohup', 'setsid-bg', 'setsid-f']);
    expect(report.alive).toEqual([]);
  }, 60_000);

  it('kills every daemon too when the runner is the namespace init, to which orphans are re-parented', () => {
    const report = runInSandbox([process.execPath, '--import', 'tsx', script]);
    expect(report.end).toEqual({ kind: 'exited', code: 0 });
    expect(report.daemons.sort()).toEqual(['double-fork', 'env-i', 'nohup', 'setsid-bg', 'setsid-f']);
    expect(report.alive).toEqual([]);
  }, 60_000);
});
