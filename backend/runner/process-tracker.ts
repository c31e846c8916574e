import { randomUUID } from 'node:crypto';
import {
  environmentIncludes,
  isSameProcessAlive,
  readProcessTable,
  readProcessEntry,
  readProcessUid,
  readTicksSinceBoot,
  sendSignal,
  type ProcessEntry,
} from './proc-table.js';

/*
 * The fallback where no cgroup can be made (no write access to one, no cgroup2, AWS
 * Lambda): finding a job's processes in /proc by what links them to the job.
 *
 * - its main process and everything below it by parent links;
 * - every process in the job's process group, or in a group or session led by one of
 *   its processes (`nohup cmd &`, the children of a daemon that called setsid());
 * - every process whose initial environment carries the job's marker variable (a
 *   daemon re-parented to init, as long as it kept the environment);
 * - every process seen as one of the job's by an earlier scan (scans run every 250 ms
 *   while jobs run), so that one re-parented to init since stays the job's;
 * - with `sweepOrphans` (the runner is alone in a sandbox, as on AWS Lambda): every other
 *   process of this user that started while the job ran and is not attached to this
 *   process — which catches `env -i setsid -f cmd`, the one case the links above miss.
 *   A process that started while another job of this process was running is left to
 *   that job's end, since either may have started it.
 *
 * A pid is only ever matched together with its start time, and only processes started
 * after the job did can match, so a reused pid is never mistaken for a job's process.
 */

/** The variable, set in every tracked job's environment, that marks the processes it starts. */
export const JOB_MARKER_VARIABLE = 'AWS_EXEC_JOB_MARKER';

/** One job whose processes are being tracked. */
export interface TrackedJob {
  readonly marker: string;
  readonly sweepOrphans: boolean;
  /** Clock ticks since boot when the job started (a tick early); only processes started since can be the job's. */
  readonly startTicks: number;
  /** The job's main process, whose pid is also its process group id. */
  rootPid: number | undefined;
  /** Every process ever found to be the job's: pid → start ticks. */
  readonly members: Map<number, number>;
  /** Processes whose environment was already read: pid → start ticks. */
  readonly markerChecked: Map<number, number>;
}

const SCAN_INTERVAL_MS = 250;
const MAX_KILL_ROUNDS = 10;
const MAX_ANCESTRY = 64;

const running = new Set<TrackedJob>();
let scanTimer: NodeJS.Timeout | undefined;

/** Starts tracking a job that is about to start; its environment must carry `JOB_MARKER_VARIABLE=<marker>`. */
export function startTracking(options: { sweepOrphans: boolean }): TrackedJob {
  const job: TrackedJob = {
    marker: randomUUID(),
    sweepOrphans: options.sweepOrphans,
    startTicks: (readTicksSinceBoot() ?? 1) - 1,
    rootPid: undefined,
    members: new Map(),
    markerChecked: new Map(),
  };
  running.add(job);
  scanTimer ??= setInterval(scanRunningJobs, SCAN_INTERVAL_MS).unref();
  return job;
}

/** Stops tracking a job (after its processes were killed). */
export function stopTracking(job: TrackedJob): void {
  running.delete(job);
  if (running.size === 0 && scanTimer) {
    clearInterval(scanTimer);
    scanTimer = undefined;
  }
}

/** Records the job's main process, as soon as it was spawned. */
export function adoptRoot(job: TrackedJob, pid: number): void {
  job.rootPid = pid;
  const entry = readProcessEntry(pid);
  if (entry && entry.startTicks >= job.startTicks) job.members.set(pid, entry.startTicks);
}

/** Sends a signal to every live process of the job (orphans of the sweep excluded), except those in process group `exceptGroup`. */
export function signalJobProcesses(job: TrackedJob, signal: NodeJS.Signals, exceptGroup?: number): void {
  for (const entry of findJobProcesses(job)) if (entry.pgid !== exceptGroup) sendSignal(entry.pid, signal);
}

/** SIGKILLs every process of the job, again while new ones appear (forked meanwhile), and waits (up to `waitMs`) until they are gone. */
export async function killJobProcesses(job: TrackedJob, waitMs: number): Promise<void> {
  const killed = new Map<number, number>();
  for (let round = 0; round < MAX_KILL_ROUNDS; round++) {
    const table = readProcessTable();
    const found = [...findJobProcesses(job, table), ...(job.sweepOrphans ? findOrphans(job, table) : [])];
    // A process SIGKILLed can fork no more, but may not have died yet: only new ones count.
    const fresh = found.filter((entry) => killed.get(entry.pid) !== entry.startTicks);
    if (fresh.length === 0) break;
    for (const entry of fresh) {
      sendSignal(entry.pid, 'SIGKILL');
      killed.set(entry.pid, entry.startTicks);
    }
  }
  const deadline = Date.now() + waitMs;
  for (const [pid, startTicks] of killed) {
    while (isSameProcessAlive(pid, startTicks) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** The job's live processes now, by the links described above; records them as members. */
export function findJobProcesses(job: TrackedJob, table: readonly ProcessEntry[] = readProcessTable()): ProcessEntry[] {
  const candidates = table.filter((entry) => !entry.zombie && entry.startTicks >= job.startTicks && entry.pid !== process.pid);
  const held = new Map<number, ProcessEntry>();
  // A group or session id stays the leader's for as long as the group or session has a
  // member (the kernel does not hand out a pid still in use as one), so a former member's
  // pid may link them; a parent must be a live member.
  const leads = (id: number) => held.has(id) || job.members.has(id);
  const belongs = (entry: ProcessEntry) =>
    job.members.get(entry.pid) === entry.startTicks ||
    entry.pid === job.rootPid ||
    entry.pgid === job.rootPid ||
    held.has(entry.ppid) ||
    leads(entry.pgid) ||
    leads(entry.sid);
  const close = () => {
    for (let grew = true; grew; ) {
      grew = false;
      for (const entry of candidates) {
        if (held.has(entry.pid) || !belongs(entry)) continue;
        held.set(entry.pid, entry);
        grew = true;
      }
    }
  };
  close();
  const needle = Buffer.from(`${JOB_MARKER_VARIABLE}=${job.marker}\0`);
  let marked = false;
  for (const entry of candidates) {
    if (held.has(entry.pid) || job.markerChecked.get(entry.pid) === entry.startTicks) continue;
    job.markerChecked.set(entry.pid, entry.startTicks);
    if (environmentIncludes(entry.pid, needle)) {
      held.set(entry.pid, entry);
      marked = true;
    }
  }
  if (marked) close();
  for (const entry of held.values()) job.members.set(entry.pid, entry.startTicks);
  return [...held.values()];
}

/**
 * Processes of this user that started while the job ran, started after no other running
 * job did, and are not attached to this process through live parents (its own helpers,
 * such as mkfifo). When this process is the init of its PID namespace, orphans are
 * re-parented to it, so attachment tells nothing and is not asked.
 */
export function findOrphans(job: TrackedJob, table: readonly ProcessEntry[]): ProcessEntry[] {
  const byPid = new Map(table.map((entry) => [entry.pid, entry]));
  const uid = process.getuid?.();
  const others = [...running].filter((other) => other !== job);
  const adoptsOrphans = process.pid === 1;
  return table.filter(
    (entry) =>
      !entry.zombie &&
      entry.startTicks >= job.startTicks &&
      entry.pid !== process.pid &&
      !others.some((other) => other.startTicks <= entry.startTicks) &&
      (adoptsOrphans || !isAttachedTo(entry, process.pid, byPid)) &&
      (uid === undefined || readProcessUid(entry.pid) === uid),
  );
}

/** Whether `ancestor` is among a process's live ancestors (or is the process). */
function isAttachedTo(entry: ProcessEntry, ancestor: number, byPid: ReadonlyMap<number, ProcessEntry>): boolean {
  let current: ProcessEntry | undefined = entry;
  for (let depth = 0; current && depth < MAX_ANCESTRY; depth++) {
    if (current.pid === ancestor || current.ppid === ancestor) return true;
    current = byPid.get(current.ppid);
  }
  return false;
}

function scanRunningJobs(): void {
  const table = readProcessTable();
  for (const job of running) findJobProcesses(job, table);
}
