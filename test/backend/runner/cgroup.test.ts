import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  createCgroup,
  destroyCgroup,
  findCgroup2Mount,
  findCgroupDir,
  listCgroupProcesses,
  moveIntoCgroup,
  sweepStaleCgroups,
} from '../../../backend/runner/cgroup.js';
import { readProcessEntry } from '../../../backend/runner/proc-table.js';
import { isProcessAlive } from '../../helpers/processes.js';

describe('findCgroup2Mount', () => {
  it('finds the cgroup2 mount among v1 ones, with escaped spaces', () => {
    const mountinfo = [
      '30 24 0:26 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755',
      '33 30 0:29 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer',
      '41 31 0:38 / /sys/fs/cgroup/uni\\040fied rw,relatime shared:9 - cgroup2 cgroup2 rw',
    ].join('\n');
    expect(findCgroup2Mount(mountinfo)).toEqual({ point: '/sys/fs/cgroup/uni fied', root: '/' });
  });

  it('finds nothing without a cgroup2 mount', () => {
    expect(findCgroup2Mount('33 30 0:29 / /sys/fs/cgroup/freezer rw - cgroup cgroup rw,freezer\n')).toBeUndefined();
  });
});

const home = findCgroupDir();
const probe = home === undefined ? undefined : createCgroup(home, 'job');
if (probe) await destroyCgroup(probe, 1_000);

describe.skipIf(probe === undefined)('cgroups of this process (where it may create them)', () => {
  function startSleeperIn(dir: string): number {
    const sleeper = spawn('sleep', ['600'], { stdio: 'ignore', detached: true });
    sleeper.unref();
    expect(moveIntoCgroup(dir, sleeper.pid!)).toBe(true);
    return sleeper.pid!;
  }

  it('sweeps a cgroup whose owner is gone, with what runs in it, and keeps those whose owner lives or is in another PID namespace', async () => {
    const deadPid = spawnSync('true').pid;
    const ticks = readProcessEntry(process.pid)!.startTicks;
    const namespace = /\d+/.exec(readlinkSync('/proc/self/ns/pid'))![0];
    const stale = join(home!, `aws-exec-job-${namespace}-${deadPid}-${ticks}-1`);
    mkdirSync(stale);
    const orphan = startSleeperIn(stale);
    // A dead owner's pid in another PID namespace says nothing of the owner here: kept.
    const foreign = join(home!, `aws-exec-job-1-${deadPid}-${ticks}-1`);
    mkdirSync(foreign);
    const foreigner = startSleeperIn(foreign);
    const live = createCgroup(home!, 'job')!;
    const kept = startSleeperIn(live);
    try {
      expect(await sweepStaleCgroups(home!)).toBeGreaterThanOrEqual(1);
      expect(existsSync(stale)).toBe(false);
      await vi.waitFor(() => expect(isProcessAlive(orphan)).toBe(false), { timeout: 2_000, interval: 10 });
      expect(isProcessAlive(kept)).toBe(true);
      expect(listCgroupProcesses(live)).toEqual([kept]);
      expect(listCgroupProcesses(foreign)).toEqual([foreigner]);
    } finally {
      await destroyCgroup(live, 2_000);
      await destroyCgroup(foreign, 2_000);
    }
    expect(existsSync(live)).toBe(false);
    expect(isProcessAlive(kept)).toBe(false);
  });
});
