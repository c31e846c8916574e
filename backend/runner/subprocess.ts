import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { openJobContainment, type ContainmentOptions, type JobContainment } from './containment.js';
import { openOutputPipe } from './output-pipe.js';
import { prepareReadyStart, startFromReady, type StartedJob } from './ready-start.js';

/** How a subprocess ended. */
export type ProcessEnd =
  | { kind: 'exited'; code: number }
  | { kind: 'signalled'; signal: string; number: number }
  | { kind: 'not-started'; errno: string; message: string };

export interface SubprocessOptions {
  /** Program and arguments; run without a shell (a shell only if argv names one). */
  argv: readonly string[];
  /** Receives the output of stdout and stderr together, in order, bytes as written. */
  onOutput(chunk: Buffer): void;
  /** Aborting it ends the job: SIGTERM to all its processes, then SIGKILL after `killGraceMs`. */
  signal: AbortSignal;
  killGraceMs: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** After the main process exits, how long its leftovers may keep the output open. */
  drainMs?: number;
  /** How the job's processes are held: a cgroup where one can be made, else /proc tracking (see containment.ts). */
  containment?: ContainmentOptions;
}

const DEFAULT_DRAIN_MS = 200;

/**
 * Runs argv in its own process group with stdin closed and stdout+stderr on one channel.
 * Everything the job starts is held (a cgroup, or /proc tracking: containment.ts): when
 * the main process exits, whatever it left running — in its group, or detached with
 * setsid, daemonized, with a scrubbed environment — is killed once the output drains (or
 * after `drainMs`), so that nothing runs on into the next invocation of a reused
 * execution environment. It returns once those processes are gone.
 */
export async function runSubprocess(options: SubprocessOptions): Promise<ProcessEnd> {
  const [file, ...args] = options.argv;
  if (file === undefined || file === '') return { kind: 'not-started', errno: 'ENOENT', message: 'empty argv' };
  const env = options.env ?? process.env;
  const fromReady = options.containment?.cgroups === false ? undefined : startFromReady(options.argv, env, options.cwd ?? process.cwd());
  if (fromReady && 'errno' in fromReady) return notStartedAsSpawn(file, fromReady.errno);
  const started = fromReady ?? (await spawnHeld(file, args, env, options));
  if ('errno' in started) return started;
  const { child, pipe, held } = started;
  const outputClosed = new Promise<void>((resolve) => {
    pipe.reader.on('data', options.onOutput);
    pipe.reader.once('close', () => resolve());
    pipe.reader.on('error', () => undefined);
  });
  const ended = waitForEnd(child);
  const stop = () => stopGracefully(child, held, options.killGraceMs, ended);
  if (options.signal.aborted) stop();
  else options.signal.addEventListener('abort', stop, { once: true });
  const end = await ended;
  options.signal.removeEventListener('abort', stop);
  const drainMs = options.drainMs ?? DEFAULT_DRAIN_MS;
  if (!(await settlesWithin(outputClosed, drainMs))) {
    await killEverything(child, held);
    if (!(await settlesWithin(outputClosed, drainMs))) pipe.reader.destroy();
  }
  await killEverything(child, held);
  return end;
}

/** Spawns the job's process (inside its containment) on a fresh output channel; not-started when spawn() throws. */
async function spawnHeld(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: SubprocessOptions,
): Promise<StartedJob | Extract<ProcessEnd, { kind: 'not-started' }>> {
  const pipe = await openOutputPipe();
  const held = openJobContainment(options.containment);
  let child: ChildProcess;
  try {
    child = held.spawnInside(() =>
      spawn(file, args, {
        stdio: ['ignore', pipe.writeEnd, pipe.writeEnd],
        detached: true,
        env: held.environment(env),
        ...(options.cwd ? { cwd: options.cwd } : {}),
      }),
    );
  } catch (error) {
    // spawn throws synchronously for arguments it cannot pass (e.g. a NUL byte).
    pipe.closeWriteEnd();
    pipe.reader.destroy();
    await held.killAll();
    return { kind: 'not-started', errno: errnoOf(error) ?? 'EINVAL', message: messageOf(error) };
  } finally {
    pipe.closeWriteEnd();
  }
  if (child.pid !== undefined) held.adopt(child.pid);
  return { child, pipe, held };
}

/**
 * Makes the next job's process ahead (ready-start.ts), for a job that will run with these
 * options; call it once the runner is idle (no need to wait for it). Nothing where jobs get no cgroup.
 */
export function prepareSubprocess(options: Pick<SubprocessOptions, 'env' | 'cwd' | 'containment'>): Promise<void> {
  if (options.containment?.cgroups === false) return Promise.resolve();
  return prepareReadyStart(options.env ?? process.env, options.cwd ?? process.cwd());
}

/** What spawn() reports for a program it cannot run: ENOENT and EACCES as its 'error' event words them, others as it throws them. */
function notStartedAsSpawn(file: string, errno: string): ProcessEnd {
  return { kind: 'not-started', errno, message: errno === 'ENOENT' || errno === 'EACCES' ? `spawn ${file} ${errno}` : `spawn ${errno}` };
}

function waitForEnd(child: ChildProcess): Promise<ProcessEnd> {
  return new Promise((resolve) => {
    child.on('error', (error) => {
      if (child.pid === undefined) resolve({ kind: 'not-started', errno: errnoOf(error) ?? 'UNKNOWN', message: messageOf(error) });
    });
    child.once('exit', (code, signal) => {
      if (code !== null) resolve({ kind: 'exited', code });
      else if (signal !== null) resolve({ kind: 'signalled', signal, number: constants.signals[signal] ?? 0 });
      else resolve({ kind: 'exited', code: 0 });
    });
  });
}

/** SIGTERM to every process of the job now, SIGKILL after the grace period unless the main process ended. */
function stopGracefully(child: ChildProcess, held: JobContainment, graceMs: number, ended: Promise<ProcessEnd>): void {
  // The group first, then the rest (those in the group would otherwise get the signal twice).
  killGroup(child.pid, 'SIGTERM');
  held.signal('SIGTERM', child.pid);
  const timer = setTimeout(() => {
    killGroup(child.pid, 'SIGKILL');
    held.signal('SIGKILL', child.pid);
  }, graceMs);
  void ended.then(() => clearTimeout(timer));
}

/** SIGKILLs the job's process group and everything else it holds, and waits until they are gone. */
async function killEverything(child: ChildProcess, held: JobContainment): Promise<void> {
  killGroup(child.pid, 'SIGKILL');
  await held.killAll();
}

/** Signals a process group, ignoring a group that is already gone. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: nobody left in the group.
  }
}

async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function errnoOf(error: unknown): string | undefined {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
