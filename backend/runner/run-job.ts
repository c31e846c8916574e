import { access, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { createConfinedReach, createUnconfinedReach } from '../../cmd/reach.js';
import type { CommandRegistry } from '../../cmd/registry.js';
import { jobKeys, retry, type JobEvent, type RetryPolicy } from '../../protocol/index.js';
import type { Config } from '../config.js';
import type { EventDeliverer } from '../events/deliver.js';
import type { LogObjects } from '../jobs/objects.js';
import type { JobRecord } from '../jobs/record.js';
import { adoptRecordlessJob } from '../jobs/recordless.js';
import type { JobEnd, JobStore } from '../jobs/store.js';
import { cutText, type Logger } from '../log.js';
import { LogShipper } from '../shipper/shipper.js';
import { createBucketSink, createPushSink, type LogSink } from '../shipper/sinks.js';
import { finishIfLost } from '../sweep/close-lost.js';
import { createJobControl, type JobControl } from './control.js';
import { startHeartbeat, type Heartbeat } from './heartbeat.js';
import { outcomeOfFailure, outcomeOfProcess, outcomeOfStop, type Outcome } from './outcome.js';
import { runRpc } from './rpc.js';
import { prepareSubprocess, runSubprocess, type SubprocessOptions } from './subprocess.js';

/** What the runner needs; all of it injected. */
export interface RunnerDeps {
  config: Config;
  jobs: JobStore;
  objects: LogObjects;
  registry: CommandRegistry;
  /** For push-url PUTs. */
  fetch: typeof fetch;
  logger: Logger;
  /** Sends the job's end event (webhook, queue) once its end is recorded. */
  events?: EventDeliverer;
  now?: () => number;
}

/** The part of the Lambda context the runner reads. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

/** What a job event came to. */
export type RunResult =
  | { status: 'skipped'; reason: string }
  | { status: 'finished'; exit: number; size: number; uploadedBytes: number; uploads: number; timings: RunTimings };

/** Where a job's time went, in ms: the claim, the command, the final uploads, the record update. */
export interface RunTimings {
  claimMs: number;
  runMs: number;
  finishMs: number;
  recordMs: number;
}

/** The end record's retries (the shared helper, protocol/retry.ts) on top of each call's own (aws/retry.ts). */
const FINISH_RETRY: RetryPolicy = { retries: 4, minDelayMs: 200, maxDelayMs: 1_600, factor: 2 };
/** When the final writes take longer than this, the exit code goes on the record first. */
const PENDING_EXIT_AFTER_MS = 1_000;
/** Longest program (argv[0]) or rpc-name quoted in the job-end log line. */
const MAX_PROGRAM_CHARS = 256;
/** How much longer than the invocation's remaining time the bucket writers stay valid. */
const WRITER_SLACK_MS = 60_000;

/**
 * Runs one job event: claims the uid (at most one run per uid), runs the command while
 * shipping its log, then writes the final log, exit and size, and records the end. Once
 * the claim succeeded it never throws: whatever happens, exit and size get written.
 */
export async function runJob(deps: RunnerDeps, event: JobEvent, context: InvocationContext): Promise<RunResult> {
  const now = deps.now ?? Date.now;
  const { config } = deps;
  const startedAt = now();
  const remainingMs = context.getRemainingTimeInMillis();
  const marginMs = Math.min(config.finalShipMarginMs, Math.floor(remainingMs / 4));
  const budgetMs = Math.max(1, remainingMs - marginMs);
  const timeoutMs = event.timeout ? Math.min(event.timeout * 1000, budgetMs) : budgetMs;
  const clock = performance.now();
  const pushUrls = event['push-urls'];
  const claim = () =>
    deps.jobs.claimJob(event.uid, event['auth-name'], { claimedAt: startedAt, deadline: startedAt + timeoutMs + marginMs, aliveUntil: now() + config.leaseMs });
  let claimed = await claim();
  // An event with no record at all was queued by the Go backend before the switch: run it.
  if (!claimed && (await adoptRecordlessJob(deps, event))) claimed = await claim();
  if (!claimed) return skipClaimedJob(deps, event);
  deps.logger.info('job started', { uid: event.uid, 'auth-name': event['auth-name'], ...describeJobKind(event) });
  // The bucket's writers (presigned URLs, valid past the invocation's end) are made while the command starts.
  const sink = pushUrls ? createPushSink(deps.fetch, pushUrls) : openBucketSink(deps, event, Math.ceil((remainingMs + WRITER_SLACK_MS) / 1000));
  const shipper = new LogShipper({ sink, capBytes: config.logCapBytes, ship: config.ship, logger: deps.logger, now });
  const control = createJobControl({
    timeoutMs,
    cancelCheckMs: config.cancelCheckMs,
    readCancelRequested: () => deps.jobs.readCancelRequested(event.uid),
    logger: deps.logger,
  });
  const heartbeat = startHeartbeat({
    everyMs: config.heartbeatMs,
    leaseMs: config.leaseMs,
    renew: (aliveUntil, pendingExit) => deps.jobs.renewLease(event.uid, startedAt, aliveUntil, pendingExit),
    onLost: () => {
      shipper.abandon();
      control.stop({ kind: 'taken-over' });
    },
    logger: deps.logger,
    now,
  });
  try {
    const claimedAt = performance.now();
    let outcome: Outcome;
    try {
      outcome = await runCommand(deps, event, claimed, shipper, control);
    } catch (error) {
      deps.logger.error('the runner failed while the job ran', { uid: event.uid, error });
      outcome = outcomeOfFailure(1, 'internal error in the runner');
    }
    const ranAt = performance.now();
    if (heartbeat.lost) return { status: 'skipped', reason: 'taken over: a closer ended the job while its runner was unreachable' };
    const shipped = await finishObjects(shipper, heartbeat, outcome, Math.min(startedAt + remainingMs - 1_000, now() + config.finalWriteWindowMs));
    const shippedAt = performance.now();
    if (heartbeat.lost) return { status: 'skipped', reason: 'taken over while the end was written' };
    const end: JobEnd = {
      exit: outcome.exit,
      size: shipped.size,
      endedAt: now(),
      uploadedBytes: shipper.uploadedBytes,
      uploads: shipper.uploads,
      ...(shipped.complete ? {} : { logIncomplete: true }),
    };
    await recordEnd(deps, event.uid, end, startedAt, startedAt + remainingMs - 1_000);
    // The job is over for its client (size was written): the next one's process is made now.
    if (event.argv) prepareNextJob(config);
    const round = (ms: number) => Math.round(ms * 10) / 10;
    const timings: RunTimings = {
      claimMs: round(claimedAt - clock),
      runMs: round(ranAt - claimedAt),
      finishMs: round(shippedAt - ranAt),
      recordMs: round(performance.now() - shippedAt),
    };
    const result = { exit: outcome.exit, size: shipped.size, uploadedBytes: shipper.uploadedBytes, uploads: shipper.uploads, timings };
    deps.logger.info('job finished', {
      uid: event.uid,
      'auth-name': event['auth-name'],
      ...describeJobKind(event),
      durationMs: round(performance.now() - clock),
      ...result,
      ...(shipped.complete ? {} : { 'log-incomplete': true }),
    });
    // The runner is the first deliverer of its job's event, waiting for the short retries
    // within the invocation's time; later ones are the sweep's (backend/events/deliver.ts).
    if (claimed['event-state'] === 'pending') {
      heartbeat.stop();
      control.dispose();
      await deps.events?.deliver(event.uid, { waitUntil: startedAt + remainingMs - 1_000 });
    }
    return { status: 'finished', ...result };
  } finally {
    heartbeat.stop();
    control.dispose();
  }
}

/**
 * Writes the final log, exit and size, retrying until `deadlineAt`. If that takes longer
 * than a moment (storage failing), the exit code goes on the record first, so that should
 * this runner die meanwhile, whoever closes the job keeps the real code. If the final log
 * cannot be written, the log object is rewritten as what it held plus a line saying so.
 */
async function finishObjects(shipper: LogShipper, heartbeat: Heartbeat, outcome: Outcome, deadlineAt: number) {
  const slow = setTimeout(() => void heartbeat.recordPendingExit(outcome.exit), PENDING_EXIT_AFTER_MS);
  try {
    return await shipper.finish(outcome.exit, outcome.line, {
      deadlineAt,
      describeLoss: (lostBytes) =>
        `[aws-exec] the log could not be stored whole: the last ${lostBytes} bytes of output are lost (storage refused the uploads); exit ${outcome.exit}`,
    });
  } finally {
    clearTimeout(slow);
  }
}

/**
 * An event for a job already claimed: a retried or duplicated event. Lambda retries an
 * event whose invocation failed (the runner died: killed, out of memory), so if the job's
 * runner is gone its lease has run out by now, and the job is closed here.
 */
async function skipClaimedJob(deps: RunnerDeps, event: JobEvent): Promise<RunResult> {
  const record = await deps.jobs.getJob(event.uid);
  if (record && record['auth-name'] === event['auth-name'] && record.status === 'running') {
    const after = await finishIfLost(deps, record);
    if (after.status === 'exited') {
      deps.logger.info('closed a job whose runner was lost', { uid: event.uid, exit: after.exit });
      if (after['event-state'] === 'pending') await deps.events?.deliver(event.uid);
      return { status: 'skipped', reason: 'closed: its runner was lost' };
    }
  }
  deps.logger.info('job already claimed or unknown; not running it again', { uid: event.uid });
  return { status: 'skipped', reason: 'already claimed' };
}

/**
 * What ran, for the log: the program (argv[0] only: later arguments may hold secrets) or
 * the registered command's name (never its arguments).
 */
function describeJobKind(event: JobEvent): { kind: 'argv'; program: string } | { kind: 'rpc'; 'rpc-name': string } {
  return event.argv
    ? { kind: 'argv', program: cutText(event.argv[0] ?? '', MAX_PROGRAM_CHARS) }
    : { kind: 'rpc', 'rpc-name': cutText(event['rpc-name'] ?? '', MAX_PROGRAM_CHARS) };
}

/**
 * A sink whose writers are being opened: each write waits for them, so the command can
 * start meanwhile. If opening fails (presigning is local, so hardly ever), writes go
 * through putObject instead, so the job still runs and its end is written.
 */
function openBucketSink(deps: RunnerDeps, event: JobEvent, expiresInSeconds: number): LogSink {
  const keys = jobKeys(event['auth-name'], event.uid);
  const direct: LogSink = {
    putLog: (body) => deps.objects.putObject(keys.log, body),
    putExit: (text) => deps.objects.putObject(keys.exit, text),
    putSize: (text) => deps.objects.putObject(keys.size, text),
    extendLog: (keptBytes, rest) => deps.objects.extendObject(keys.log, keptBytes, rest),
  };
  const ready = createBucketSink(deps.objects, keys, expiresInSeconds).catch((error: unknown) => {
    deps.logger.warn('could not open the job object writers; writing through the SDK', { uid: event.uid, error });
    return direct;
  });
  return {
    putLog: async (body) => (await ready).putLog(body),
    putExit: async (text) => (await ready).putExit(text),
    putSize: async (text) => (await ready).putSize(text),
    // Not through the writers: an extension is signed per call, whichever sink opened.
    extendLog: direct.extendLog,
  };
}

async function runCommand(deps: RunnerDeps, event: JobEvent, claimed: JobRecord, shipper: LogShipper, control: JobControl): Promise<Outcome> {
  if (claimed['cancel-requested']) return outcomeOfStop({ kind: 'cancel' });
  control.start();
  try {
    const missing = await checkWorkingDirectory(deps.config.jobWorkingDirectory);
    if (missing) return missing;
    const own = event.argv ? await runArgv(deps, event.argv, shipper, control) : await runNamed(deps, event, shipper, control);
    const stopped = control.stopReason();
    return stopped ? outcomeOfStop(stopped) : (own ?? outcomeOfFailure(1, 'the command did not finish'));
  } finally {
    control.dispose();
  }
}

async function runArgv(deps: RunnerDeps, argv: string[], shipper: LogShipper, control: JobControl): Promise<Outcome> {
  const end = await runSubprocess({
    argv,
    onOutput: (chunk) => shipper.append(chunk),
    signal: control.signal,
    killGraceMs: deps.config.killGraceMs,
    ...jobProcessSetup(deps.config),
  });
  return outcomeOfProcess(end, argv[0] ?? '');
}

/** Where and how a job's process runs. */
function jobProcessSetup(config: Config): Pick<SubprocessOptions, 'cwd' | 'containment'> {
  return { cwd: config.jobWorkingDirectory, containment: { sweepOrphans: config.sweepOrphans } };
}

/** Makes the next job's process ahead while the runner is idle (subprocess.ts prepareSubprocess). */
export function prepareNextJob(config: Config): void {
  void prepareSubprocess(jobProcessSetup(config));
}

/** A failed outcome naming the working directory when it is not a directory this process can enter, else undefined. */
async function checkWorkingDirectory(dir: string): Promise<Outcome | undefined> {
  try {
    if ((await stat(dir)).isDirectory()) {
      await access(dir, constants.X_OK);
      return undefined;
    }
    return outcomeOfFailure(1, `the job's working directory ${dir} (JOB_WORKING_DIRECTORY) is not a directory`);
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : String(error);
    return outcomeOfFailure(1, `the job's working directory ${dir} (JOB_WORKING_DIRECTORY) cannot be used: ${code}`);
  }
}

async function runNamed(deps: RunnerDeps, event: JobEvent, shipper: LogShipper, control: JobControl): Promise<Outcome | undefined> {
  const name = event['rpc-name'] ?? '';
  const command = deps.registry.find(name);
  if (!command) return { exit: 127, line: `[aws-exec] command not found: ${name}` };
  // A confined job's command must declare it honours confinement (the API checked; a stale event is refused here too).
  if (event.confined && command.confined !== true) return outcomeOfFailure(1, `${name} does not honour confinement; only keys with the exec scope may run it`);
  return runRpc(command, {
    argsJson: event['rpc-args'],
    log: (chunk) => shipper.append(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk),
    signal: control.signal,
    cwd: deps.config.jobWorkingDirectory,
    reach: event.confined ? createConfinedReach(deps.config.confinement, process.env) : createUnconfinedReach(),
    graceMs: deps.config.killGraceMs,
  });
}

/**
 * Records the job's end (while the job is still this runner's claim), retrying with
 * backoff; no pause after the last attempt, and none that would end past `deadlineAt`.
 * Exit and size are already written, so a record left unfinished is only a stale status,
 * which the next reader or the sweep closes once the lease runs out (keeping the exit code
 * when the heartbeat recorded it).
 */
async function recordEnd(deps: RunnerDeps, uid: string, end: JobEnd, claimedAt: number, deadlineAt: number): Promise<void> {
  try {
    const recorded = await retry(() => deps.jobs.finishJob(uid, end, claimedAt), FINISH_RETRY, {
      isRetryable: () => true,
      deadlineAt,
      now: deps.now ?? Date.now,
      onRetry: ({ error }, attempt) => deps.logger.warn('could not record the job end', { uid, attempt, error }),
    });
    if (!recorded) deps.logger.warn('the job was taken over before its end was recorded', { uid });
  } catch (error) {
    deps.logger.error('could not record the job end; giving up', { uid, error });
  }
}
