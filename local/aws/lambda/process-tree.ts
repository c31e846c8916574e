import { readdirSync, readFileSync } from 'node:fs';

/*
 * Finding and killing every process an execution environment started.
 *
 * Hand-written rather than taken from npm: tree-kill / ps-tree / pidtree shell out to
 * `ps` (slow, and a process that forks meanwhile is missed) and follow only parent
 * links, so they lose a daemonized grandchild whose parent already exited (it is
 * re-parented to init). Here we read /proc directly and also match every process whose
 * initial environment carries the environment's marker variable, which catches those
 * orphans as long as they inherited the environment. Where /proc is missing (macOS),
 * killing the worker's process group is the fallback.
 */

/** The variable, set in every execution environment, that marks the processes it starts. */
export const SANDBOX_MARKER_VARIABLE = 'AWS_EXEC_LOCAL_SANDBOX_ID';

interface ProcessInfo {
  pid: number;
  ppid: number;
  zombie: boolean;
}

/** Reads every process's parent and state from /proc; empty where /proc is missing. */
export function readProcessTable(): ProcessInfo[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const table: ProcessInfo[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const info = readProcessInfo(Number(entry));
    if (info) table.push(info);
  }
  return table;
}

function readProcessInfo(pid: number): ProcessInfo | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may itself hold spaces or parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { pid, ppid: Number(fields[1]), zombie: fields[0] === 'Z' || fields[0] === 'X' };
}

/** Lists the live descendants of a process by following parent links. */
export function listDescendants(rootPid: number, table: readonly ProcessInfo[] = readProcessTable()): number[] {
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
export function listMarkedProcesses(marker: string, table: readonly ProcessInfo[] = readProcessTable()): number[] {
  const needle = Buffer.from(`${SANDBOX_MARKER_VARIABLE}=${marker}\0`);
  const found: number[] = [];
  for (const info of table) {
    if (info.zombie || info.pid === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${info.pid}/environ`);
      if (environ.includes(needle)) found.push(info.pid);
    } catch {
      // Gone meanwhile, or another user's process.
    }
  }
  return found;
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
    for (const pid of targets) signal(pid, 'SIGKILL');
  }
  if (rootPid === undefined) return;
  // Execution environments lead their own process group: without /proc, that group is what we can reach.
  if (!haveProc && rootPid !== self) signal(-rootPid, 'SIGKILL');
  if (rootPid === self) {
    if (!haveProc) signal(-self, 'SIGKILL');
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
  const info = readProcessInfo(pid);
  return info === undefined ? true : !info.zombie;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}
