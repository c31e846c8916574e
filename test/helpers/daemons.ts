/**
 * Shell snippets that leave a process behind in every way a job can: each such process
 * prints `<kind> <pid>` on the job's output and then sleeps for 600 s.
 */
export const DAEMON_KINDS = {
  /** setsid in the background: a new session, parent still the shell. */
  'setsid-bg': `setsid sh -c 'echo setsid-bg $$; exec sleep 600' &`,
  /** setsid -f: forks, the child makes a new session, the parent exits at once (re-parented to init). */
  'setsid-f': `setsid -f sh -c 'echo setsid-f $$; exec sleep 600'`,
  /** The same with an empty environment: no marker variable can find it. */
  'env-i': `env -i setsid -f sh -c 'echo env-i $$; exec sleep 600'`,
  /** The classic double fork: a subshell starts it in the background and exits; it makes a new session. */
  'double-fork': `( setsid sh -c 'echo double-fork $$; exec sleep 600' & )`,
  /** nohup in the background: same process group, immune to SIGHUP. */
  nohup: `nohup sh -c 'echo nohup $$; exec sleep 600' &`,
} as const;

export type DaemonKind = keyof typeof DAEMON_KINDS;

/** A script that starts one process of each kind, then runs `then` (e.g. `sleep 0.5` or `sleep 600`). */
export function daemonScript(then: string): string {
  return `${Object.values(DAEMON_KINDS).join('\n')}\n${then}\n`;
}

/** The pids the daemons printed so far, by kind. */
export function readDaemonPids(output: string): Partial<Record<DaemonKind, number>> {
  const pids: Partial<Record<DaemonKind, number>> = {};
  for (const match of output.matchAll(/^([a-z-]+) (\d+)$/gm)) {
    const [, kind, pid] = match;
    if (kind !== undefined && kind in DAEMON_KINDS) pids[kind as DaemonKind] = Number(pid);
  }
  return pids;
}

/** Every daemon's pid once all of them printed, else undefined. */
export function readAllDaemonPids(output: string): Record<DaemonKind, number> | undefined {
  const pids = readDaemonPids(output);
  return Object.keys(DAEMON_KINDS).every((kind) => pids[kind as DaemonKind] !== undefined) ? (pids as Record<DaemonKind, number>) : undefined;
}
