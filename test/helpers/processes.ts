import { readFileSync } from 'node:fs';
import { openJobContainment } from '../../backend/runner/containment.js';

/**
 * Whether a process is alive: it exists and is not a zombie (a zombie has exited; in a
 * container without an init that reaps, an orphan may stay one). Reads /proc (Linux).
 */
export function isProcessAlive(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  // The command name (field 2) is in parentheses and may hold spaces; the state follows it.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}

/** SIGKILLs each pid that is still there (what a test's processes left behind), emptying the list. */
export function killLeftovers(pids: number[]): void {
  for (const pid of pids.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

/** Whether this process may give jobs cgroups of their own (a probe containment, released at once). */
export function probeCgroups(): boolean {
  const held = openJobContainment();
  void held.killAll();
  return held.kind === 'cgroup';
}
