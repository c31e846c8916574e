import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Shell commands that leave a process behind in every way a job can, by kind. Each such
 * process prints `<kind> <pid>` on the job's output, creates `<ready dir>/<kind>`, and then
 * sleeps for 600 s. `{}` stands for the command the process runs.
 */
const DETACHERS = {
  /** setsid in the background: a new session, parent still the shell. */
  'setsid-bg': `setsid sh -c {} &`,
  /** setsid -f: forks, the child makes a new session, the parent exits at once (re-parented to init). */
  'setsid-f': `setsid -f sh -c {}`,
  /** The same with an empty environment: no marker variable can find it. */
  'env-i': `env -i setsid -f sh -c {}`,
  /** The classic double fork: a subshell starts it in the background and exits; it makes a new session. */
  'double-fork': `( setsid sh -c {} & )`,
  /** nohup in the background: same process group, immune to SIGHUP. */
  nohup: `nohup sh -c {} &`,
} as const;

export type DaemonKind = keyof typeof DETACHERS;

const KINDS = Object.keys(DETACHERS) as DaemonKind[];

/**
 * A script that starts one process of each kind, waits (up to 30 s) until all of them
 * run, then runs `then` (e.g. `exit 3` or `sleep 600`).
 */
export function daemonScript(then: string): string {
  const ready = mkdtempSync(join(tmpdir(), 'aws-exec-daemons-'));
  // The script removes it, unless stopped before: then this process does, as it exits.
  process.once('exit', () => rmSync(ready, { recursive: true, force: true }));
  // A function, not a string, as replace()'s replacement: in a string `$$` would become `$`.
  const starts = KINDS.map((kind) => DETACHERS[kind].replace('{}', () => `'echo ${kind} $$; : > ${ready}/${kind}; exec sleep 600'`));
  const allReady = KINDS.map((kind) => `[ -e ${ready}/${kind} ]`).join(' && ');
  const wait = `i=0; until ${allReady}; do i=$((i+1)); [ $i -gt 1500 ] && break; sleep 0.02; done; rm -rf ${ready}`;
  return `${starts.join('\n')}\n${wait}\n${then}\n`;
}

/** The pids the daemons printed so far, by kind. */
export function readDaemonPids(output: string): Partial<Record<DaemonKind, number>> {
  const pids: Partial<Record<DaemonKind, number>> = {};
  for (const match of output.matchAll(/^([a-z-]+) (\d+)$/gm)) {
    const [, kind, pid] = match;
    if (kind !== undefined && kind in DETACHERS) pids[kind as DaemonKind] = Number(pid);
  }
  return pids;
}

/** Every daemon's pid once all of them printed, else undefined. */
export function readAllDaemonPids(output: string): Record<DaemonKind, number> | undefined {
  const pids = readDaemonPids(output);
  return KINDS.every((kind) => pids[kind] !== undefined) ? (pids as Record<DaemonKind, number>) : undefined;
}
