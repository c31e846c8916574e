import { basename } from 'node:path';
import { createCgroup, destroyCgroup, findCgroupDir, killCgroup, moveIntoCgroup, sweepStaleCgroups } from '../../../backend/runner/cgroup.js';
import { environmentIncludes, readProcessEntry, readProcessTable, sendSignal, type ProcessEntry } from '../../../backend/runner/proc-table.js';

/*
 * Finding and killing every process an execution environment started.
 *
 * Where the runtime may create cgroups (root, or a delegated cgroup v2 subtree), each
 * environment's worker runs in a cgroup of its own (`aws-exec-env-…`, a child of the
 * runtime's cgroup), and the jobs it runs get cgroups inside it (backend/runner/
 * containment.ts); writing `cgroup.kill` there ends the worker and everything it ever
 * started, however it detached (setsid, a double fork, `env -i`). That is the model of a
 * Lambda execution environment, whose processes all die with its micro-VM.
 *
 * Besides (and where cgroups are not available) we read /proc: the worker's descendants
 * by parent links, plus every process whose initial environment carries the environment's
 * marker variable, which catches daemonized grandchildren re-parented to init as long as
 * they kept the environment. Hand-written rather than taken from npm: tree-kill / ps-tree /
 * pidtree shell out to `ps` (slow, and a process that forks meanwhile is missed) and follow
 * only parent links. Where /proc is missing (macOS), the worker's process group is the fallback.
 */

/** The variable, set in every execution environment, that marks the processes it starts. */
export const SANDBOX_MARKER_VARIABLE = 'AWS_EXEC_LOCAL_SANDBOX_ID';

/** What `cgroup.kill` waits for before giving up on removing an environment's cgroup. */
const CGROUP_EMPTY_WAIT_MS = 2_000;

/** Lists the live descendants of a process by following parent links. */
export function listDescendants(rootPid: number, table: readonly ProcessEntry[] = readProcessTable()): number[] {
  const children = new Map<number, number[]>();
  for (const info of table) {
    if (info.zombie) continue;
    const siblings = children.get(info.ppid);
    if (siblings) siblings.push(info.pid);
    else children.set(info.ppid, [info.pid]);
  }
  const found: number[] = [];
  const pending = [rootPid];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      pending.push(child);
    }
  }
  return found;
}

/** Lists live processes whose initial environment carries `SANDBOX_MARKER_VARIABLE=marker`. */
export function listMarkedProcesses(marker: string, table: readonly ProcessEntry[] = readProcessTable()): number[] {
  const needle = Buffer.from(`${SANDBOX_MARKER_VARIABLE}=${marker}\0`);
  return table.filter((info) => !info.zombie && info.pid !== process.pid && environmentIncludes(info.pid, needle)).map((info) => info.pid);
}

/**
 * SIGKILLs a process, all its descendants and every process carrying the sandbox marker,
 * repeating the sweep until none is left (a process may fork while we kill). `rootPid` may
 * be the calling process itself (killed last), or undefined when it already exited (its pid
 * may belong to someone else by now): then only the marker finds what it left behind.
 */
export function killProcessTree(rootPid: number | undefined, marker: string | undefined, maxRounds = 10): void {
  const self = process.pid;
  let haveProc = false;
  for (let round = 0; round < maxRounds; round += 1) {
    const table = readProcessTable();
    haveProc = table.length > 0;
    const targets = new Set(rootPid === undefined ? [] : listDescendants(rootPid, table));
    if (marker !== undefined) for (const pid of listMarkedProcesses(marker, table)) targets.add(pid);
    if (rootPid !== undefined && rootPid !== self && isAlive(rootPid)) targets.add(rootPid);
    targets.delete(self);
    if (targets.size === 0) break;
    for (const pid of targets) sendSignal(pid, 'SIGKILL');
  }
  if (rootPid === undefined) return;
  // Execution environments lead their own process group: without /proc, that group is what we can reach.
  if (!haveProc && rootPid !== self) sendSignal(-rootPid, 'SIGKILL');
  if (rootPid === self) {
    killOwnEnvironmentCgroup();
    if (!haveProc) sendSignal(-self, 'SIGKILL');
    process.kill(self, 'SIGKILL');
  }
}

/** Whether a process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const info = readProcessEntry(pid);
  return info === undefined ? true : !info.zombie;
}

/** The runtime's own cgroup, below which environments get theirs; null where that is impossible. */
let runtimeCgroup: string | null | undefined;

/**
 * Moves a freshly forked worker into a cgroup of its own (before it runs any invocation, so
 * before it can start anything); returns the cgroup, or undefined where cgroups are not available.
 */
export function placeInEnvironmentCgroup(pid: number): string | undefined {
  if (runtimeCgroup === undefined) {
    runtimeCgroup = findCgroupDir() ?? null;
    if (runtimeCgroup !== null) void sweepStaleCgroups(runtimeCgroup).catch(() => undefined);
  }
  const dir = runtimeCgroup === null ? undefined : createCgroup(runtimeCgroup, 'env');
  if (dir === undefined) {
    runtimeCgroup = null;
    return undefined;
  }
  if (moveIntoCgroup(dir, pid)) return dir;
  void destroyCgroup(dir, 0);
  runtimeCgroup = null;
  return undefined;
}

/**
 * Kills and removes environment and job cgroups left behind by runtimes and workers that
 * died (kill -9, OOM) before they could clean up; returns how many it found.
 */
export async function sweepLeftoverCgroups(): Promise<number> {
  const dir = findCgroupDir();
  return dir === undefined ? 0 : sweepStaleCgroups(dir);
}

/** Kills an environment's cgroup and everything in it, waits until it is empty and removes it. */
export function destroyEnvironmentCgroup(dir: string): Promise<boolean> {
  return destroyCgroup(dir, CGROUP_EMPTY_WAIT_MS);
}

/** Inside a worker: SIGKILLs its environment's cgroup (itself included) when it runs in one. */
export function killOwnEnvironmentCgroup(): void {
  const dir = findCgroupDir();
  if (dir !== undefined && basename(dir).startsWith('aws-exec-env-')) killCgroup(dir);
}
