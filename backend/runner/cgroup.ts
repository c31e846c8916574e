import { mkdirSync, readdirSync, readFileSync, readlinkSync, rmdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readProcessEntry, sendSignal } from './proc-table.js';

/*
 * Control groups (cgroup v2, https://docs.kernel.org/admin-guide/cgroup-v2.html) hold a
 * job's processes for good: a process cannot leave its cgroup by forking, setsid(),
 * daemonizing or scrubbing its environment, and writing "1" to `cgroup.kill` (Linux 5.14+)
 * SIGKILLs every process in the cgroup and its descendants at once, without racing forks.
 *
 * We only ever create children of the cgroup this process already runs in, and enable no
 * controller in them, so the "no internal processes" rule never applies; creating them
 * needs write access to that cgroup (root, or a delegated subtree such as systemd's
 * user@.service). Each child's name carries its owner's PID namespace, pid and start
 * time, so that a later sweep in the same PID namespace can tell a child whose owner died
 * (kill -9) and clean it up; children of owners in other PID namespaces are left alone.
 */

/** What kind of thing a cgroup we create holds: one job, or one local execution environment. */
export type CgroupKind = 'job' | 'env';

const NAME_PATTERN = /^aws-exec-(?:job|env)-(\d+)-(\d+)-(\d+)-/;

/** Finds the cgroup v2 directory a process runs in, or undefined (no cgroup2 mount, no /proc). */
export function findCgroupDir(pid: number | 'self' = 'self'): string | undefined {
  let membership: string;
  let mounts: string;
  try {
    membership = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
    mounts = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return undefined;
  }
  // The v2 line is "0::<path>" (cgroups(7)); v1 lines name their controllers.
  const path = membership.split('\n').find((line) => line.startsWith('0::'))?.slice(3);
  const mount = findCgroup2Mount(mounts);
  if (path === undefined || mount === undefined || path.endsWith(' (deleted)')) return undefined;
  if (mount.root !== '/' && !path.startsWith(mount.root)) return undefined;
  const relative = mount.root === '/' ? path : path.slice(mount.root.length);
  return join(mount.point, relative).replace(/(.)\/$/, '$1');
}

/** The mount point and root of the first cgroup2 file system in a mountinfo (proc(5)). */
export function findCgroup2Mount(mountinfo: string): { point: string; root: string } | undefined {
  for (const line of mountinfo.split('\n')) {
    const [before, after] = line.split(' - ');
    if (after?.split(' ')[0] !== 'cgroup2' || before === undefined) continue;
    const fields = before.split(' ');
    const root = fields[3];
    const point = fields[4];
    if (root !== undefined && point !== undefined) return { point: unescapeMountField(point), root: unescapeMountField(root) };
  }
  return undefined;
}

function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

let serial = 0;
let owner: string | undefined;

/** `<pid namespace inode>-<pid>-<start ticks>`: names this process for good, across pid reuse. */
function describeOwner(): string {
  owner ??= `${readPidNamespace()}-${process.pid}-${readProcessEntry(process.pid)?.startTicks ?? 0}`;
  return owner;
}

/** The inode of this process's PID namespace (`pid:[4026531836]`), or 0 where unreadable. */
function readPidNamespace(): number {
  try {
    return Number(/\d+/.exec(readlinkSync('/proc/self/ns/pid'))?.[0] ?? 0);
  } catch {
    return 0;
  }
}

/**
 * Creates a child cgroup of `parentDir` for one job or environment of this process; undefined
 * when that is not allowed here (no write access, read-only /sys, too deep).
 */
export function createCgroup(parentDir: string, kind: CgroupKind): string | undefined {
  const dir = join(parentDir, `aws-exec-${kind}-${describeOwner()}-${++serial}`);
  try {
    mkdirSync(dir);
    return dir;
  } catch {
    return undefined;
  }
}

/** Moves a process (all its threads) into a cgroup; false when refused. */
export function moveIntoCgroup(dir: string, pid: number): boolean {
  try {
    writeFileSync(join(dir, 'cgroup.procs'), String(pid));
    return true;
  } catch {
    return false;
  }
}

/** The pids in a cgroup itself (not in its children); empty when it is gone. */
export function listCgroupProcesses(dir: string): number[] {
  try {
    return readFileSync(join(dir, 'cgroup.procs'), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map(Number);
  } catch {
    return [];
  }
}

/** Sends a signal to every process in a cgroup and its children, except those in process group `exceptGroup`. */
export function signalCgroup(dir: string, signal: NodeJS.Signals, exceptGroup?: number): void {
  for (const pid of listTreeProcesses(dir)) {
    if (exceptGroup === undefined || readProcessEntry(pid)?.pgid !== exceptGroup) sendSignal(pid, signal);
  }
}

/**
 * SIGKILLs every process in a cgroup and its children: through `cgroup.kill` where the
 * kernel has it, else by signalling each listed process until none is left.
 */
export function killCgroup(dir: string): void {
  try {
    writeFileSync(join(dir, 'cgroup.kill'), '1');
    return;
  } catch {
    // Before Linux 5.14 there is no cgroup.kill (or the cgroup is gone already).
  }
  for (let round = 0; round < 10; round++) {
    const pids = listTreeProcesses(dir);
    if (pids.length === 0) return;
    for (const pid of pids) sendSignal(pid, 'SIGKILL');
  }
}

/** Whether any process runs in a cgroup or its children ("populated" of cgroup.events); false when it is gone. */
export function isCgroupPopulated(dir: string): boolean {
  try {
    return /^populated 1$/m.test(readFileSync(join(dir, 'cgroup.events'), 'utf8'));
  } catch {
    return false;
  }
}

/** Waits until a cgroup holds no process, up to `timeoutMs`; true when it emptied. */
export async function waitUntilCgroupEmpty(dir: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let pauseMs = 1; isCgroupPopulated(dir); pauseMs = Math.min(pauseMs * 2, 50)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  return true;
}

/** Removes an empty cgroup and its (empty) children; false when some are still busy. */
export function removeCgroupTree(dir: string): boolean {
  let removed = true;
  for (const child of listChildCgroups(dir)) removed = removeCgroupTree(child) && removed;
  try {
    rmdirSync(dir);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
  return removed;
}

/** Kills everything in a cgroup, waits (up to `timeoutMs`) until it is empty, then removes it; true when removed. */
export async function destroyCgroup(dir: string, timeoutMs: number): Promise<boolean> {
  killCgroup(dir);
  await waitUntilCgroupEmpty(dir, timeoutMs);
  return removeCgroupTree(dir);
}

/**
 * Kills and removes the cgroups in `parentDir` that we created for an owner that is gone
 * (its pid in our PID namespace no longer runs with the start time in the name): what a
 * `kill -9` left behind. Returns how many it found.
 */
export async function sweepStaleCgroups(parentDir: string, timeoutMs = 2_000): Promise<number> {
  const namespace = readPidNamespace();
  const stale = listChildCgroups(parentDir).filter((dir) => {
    const match = NAME_PATTERN.exec(basename(dir));
    if (!match || Number(match[1]) !== namespace) return false;
    const entry = readProcessEntry(Number(match[2]));
    return entry === undefined || entry.zombie || entry.startTicks !== Number(match[3]);
  });
  await Promise.all(stale.map((dir) => destroyCgroup(dir, timeoutMs)));
  return stale.length;
}

function listChildCgroups(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(dir, entry.name));
  } catch {
    return [];
  }
}

function listTreeProcesses(dir: string): number[] {
  return [...listCgroupProcesses(dir), ...listChildCgroups(dir).flatMap(listTreeProcesses)];
}
