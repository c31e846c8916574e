import { readFileSync } from 'node:fs';

// USER_HZ on Linux is 100 on every mainstream architecture.
const CLOCK_TICKS_PER_SECOND = 100;

/** A /proc/PID/status size field (VmRSS: resident now, VmHWM: peak resident), in bytes. */
export function readStatusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1];
  if (kib === undefined) throw new Error(`Expected ${field} in /proc/${pid}/status`);
  return Number(kib) * 1024;
}

/** CPU time of a process in ms: fields 14 and 15 (utime, stime) of /proc/PID/stat; the name field may hold spaces. */
export function readProcessCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** CPU time the whole machine spent busy (all cores, everything but idle and iowait), in ms, from /proc/stat. */
export function readMachineBusyMs(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const [, ...ticks] = line.trim().split(/\s+/).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already counted in user).
  const busy = ticks.slice(0, 8).reduce((sum, t, i) => (i === 3 || i === 4 ? sum : sum + t), 0);
  return (busy * 1000) / CLOCK_TICKS_PER_SECOND;
}
