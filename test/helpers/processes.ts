import { readFileSync } from 'node:fs';

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
