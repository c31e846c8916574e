import { readdirSync, readFileSync, statSync } from 'node:fs';

/*
 * Reading Linux's process table straight from /proc (proc(5)): no `ps` spawn, which would
 * cost milliseconds and miss processes forked meanwhile. Everywhere /proc is missing
 * (macOS) the table is empty and callers fall back to what they can do without it.
 */

/** One process as /proc/<pid>/stat describes it. */
export interface ProcessEntry {
  pid: number;
  ppid: number;
  /** Process group id. */
  pgid: number;
  /** Session id. */
  sid: number;
  /** Exited but not yet reaped (or being torn down): no longer runs. */
  zombie: boolean;
  /** When it started, in clock ticks since boot (field 22); with the pid it names one process for good. */
  startTicks: number;
}

/**
 * Clock ticks per second of /proc's times: USER_HZ, which the kernel fixes at 100 for
 * userspace on every architecture Node runs on (proc(5), "starttime"; sysconf(_SC_CLK_TCK)).
 */
export const CLOCK_TICKS_PER_SECOND = 100;

/** Reads every process from /proc; empty where /proc is missing. */
export function readProcessTable(): ProcessEntry[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const table: ProcessEntry[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const entry = readProcessEntry(Number(name));
    if (entry) table.push(entry);
  }
  return table;
}

/** Reads one process's entry, or undefined when it is gone (or /proc is missing). */
export function readProcessEntry(pid: number): ProcessEntry | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  return parseStat(pid, stat);
}

/** Parses a /proc/<pid>/stat line; the command name (field 2) is in parentheses and may itself hold spaces or parentheses. */
export function parseStat(pid: number, stat: string): ProcessEntry | undefined {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [state, ppid, pgid, sid] = fields;
  const startTicks = Number(fields[19]);
  if (state === undefined || !Number.isSafeInteger(startTicks)) return undefined;
  return { pid, ppid: Number(ppid), pgid: Number(pgid), sid: Number(sid), zombie: state === 'Z' || state === 'X', startTicks };
}

/** Clock ticks since boot now (from /proc/uptime), or undefined without /proc. */
export function readTicksSinceBoot(): number | undefined {
  try {
    const seconds = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    return Number.isFinite(seconds) ? Math.floor(seconds * CLOCK_TICKS_PER_SECOND) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a process's initial environment holds `needle` (`NAME=value\0`); false when it cannot be read. */
export function environmentIncludes(pid: number, needle: Buffer): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`).includes(needle);
  } catch {
    // Gone meanwhile, or another user's process.
    return false;
  }
}

/** The real user id owning a process, or undefined when it is gone. */
export function readProcessUid(pid: number): number | undefined {
  try {
    return statSync(`/proc/${pid}`).uid;
  } catch {
    return undefined;
  }
}

/** Whether the process `pid` that started at `startTicks` still runs (not a zombie); a reused pid does not count. */
export function isSameProcessAlive(pid: number, startTicks: number): boolean {
  const entry = readProcessEntry(pid);
  return entry !== undefined && !entry.zombie && entry.startTicks === startTicks;
}

/** Sends a signal, ignoring a process (or group, for a negative pid) that is already gone. */
export function sendSignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: gone; EPERM: not ours to signal.
  }
}
