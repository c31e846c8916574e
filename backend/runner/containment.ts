import { createCgroup, destroyCgroup, findCgroupDir, listCgroupProcesses, moveIntoCgroup, signalCgroup, sweepStaleCgroups } from './cgroup.js';
import { sendSignal } from './proc-table.js';
import {
  adoptRoot,
  JOB_MARKER_VARIABLE,
  killJobProcesses,
  signalJobProcesses,
  startTracking,
  stopTracking,
  type TrackedJob,
} from './process-tracker.js';

/*
 * Holding everything a job starts, so that all of it ends with the job.
 *
 * Where this process may create a cgroup (see cgroup.ts), each job gets one: the runner
 * steps into it just for the synchronous spawn() (so the child is born inside, with no
 * window in which it could fork outside) and straight back out, and at the job's end
 * `cgroup.kill` ends every process the job started, however it detached. Elsewhere the
 * job's processes are tracked through /proc (process-tracker.ts).
 */

/** How a job's processes are held. */
export interface ContainmentOptions {
  /** Use a cgroup where one can be created (default true); false forces the /proc tracking. */
  cgroups?: boolean;
  /** With /proc tracking: also kill this user's processes that started during the job (a sandbox such as AWS Lambda). */
  sweepOrphans?: boolean;
}

/** Everything one job started, held so that it can be signalled and killed as one. */
export interface JobContainment {
  readonly kind: 'cgroup' | 'tracked';
  /** The environment the job's main process gets: `base`, plus the tracking marker where tracking is used. */
  environment(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** Runs `spawn` (which must start the process synchronously, as child_process.spawn does) so that the process is held. */
  spawnInside<T>(spawn: () => T): T;
  /** Tells the containment the main process's pid, once spawned. */
  adopt(pid: number): void;
  /** Sends a signal to every process of the job, except those in process group `exceptGroup` (signalled already). */
  signal(signal: NodeJS.Signals, exceptGroup?: number): void;
  /** SIGKILLs every process of the job and waits (briefly) until they are gone; idempotent. */
  killAll(): Promise<void>;
}

/** How long killAll waits for killed processes to be gone. */
const KILL_WAIT_MS = 2_000;

/** This process's own cgroup when jobs can get cgroups below it; null once found impossible. */
let home: string | null | undefined;

/** Opens the containment for one job about to start. */
export function openJobContainment(options: ContainmentOptions = {}): JobContainment {
  const tracked = () => openTrackedContainment(options.sweepOrphans ?? false);
  if (options.cgroups === false) return tracked();
  const homeDir = cgroupHome();
  const dir = homeDir === null ? undefined : createCgroup(homeDir, 'job');
  if (dir === undefined || homeDir === null) {
    home = null;
    return tracked();
  }
  return openCgroupContainment(dir, homeDir, tracked);
}

/** The cgroup jobs get cgroups below (this process's own), or null where they cannot (found once, then remembered). */
export function cgroupHome(): string | null {
  if (home === undefined) {
    home = findCgroupDir() ?? null;
    if (home !== null) void sweepStaleCgroups(home).catch(() => undefined);
  }
  return home;
}

/**
 * The containment of a job whose cgroup is `dir`, a child of `homeDir` (cgroupHome()); `fallback` is
 * where spawnInside turns when stepping into it is refused (ready-start.ts's jobs are in already).
 */
export function openCgroupContainment(dir: string, homeDir: string, fallback: () => JobContainment = () => openTrackedContainment(false)): JobContainment {
  let degraded: JobContainment | undefined;
  let killing: Promise<void> | undefined;
  return {
    get kind() {
      return degraded?.kind ?? 'cgroup';
    },
    environment: (base) => base,
    spawnInside(spawn) {
      if (!moveIntoCgroup(dir, process.pid)) {
        // Refused after all: this job, and every later one, is tracked through /proc instead.
        home = null;
        degraded = fallback();
        return spawn();
      }
      try {
        return spawn();
      } finally {
        if (!moveIntoCgroup(homeDir, process.pid)) home = null;
      }
    },
    adopt(pid) {
      degraded?.adopt(pid);
    },
    signal(signal, exceptGroup) {
      if (degraded) degraded.signal(signal, exceptGroup);
      else signalCgroup(dir, signal, exceptGroup);
    },
    killAll() {
      killing ??= (async () => {
        if (degraded) await degraded.killAll();
        if (listCgroupProcesses(dir).includes(process.pid) && !moveIntoCgroup(homeDir, process.pid)) {
          // Stuck inside (could not step back out after the spawn): never kill ourselves.
          home = null;
          for (const pid of listCgroupProcesses(dir)) if (pid !== process.pid) sendSignal(pid, 'SIGKILL');
          return;
        }
        await destroyCgroup(dir, KILL_WAIT_MS);
      })();
      return killing;
    },
  };
}

function openTrackedContainment(sweepOrphans: boolean): JobContainment {
  const job: TrackedJob = startTracking({ sweepOrphans });
  let killing: Promise<void> | undefined;
  return {
    kind: 'tracked',
    environment: (base) => ({ ...base, [JOB_MARKER_VARIABLE]: job.marker }),
    spawnInside: (spawn) => spawn(),
    adopt: (pid) => adoptRoot(job, pid),
    signal: (signal, exceptGroup) => signalJobProcesses(job, signal, exceptGroup),
    killAll() {
      killing ??= killJobProcesses(job, KILL_WAIT_MS).finally(() => stopTracking(job));
      return killing;
    },
  };
}
