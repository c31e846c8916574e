import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { openOutputPipe } from './output-pipe.js';

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
  /** Aborting it ends the process group: SIGTERM, then SIGKILL after `killGraceMs`. */
  signal: AbortSignal;
  killGraceMs: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** After the main process exits, how long its leftovers may keep the output open. */
  drainMs?: number;
}

const DEFAULT_DRAIN_MS = 200;

/**
 * Runs argv in its own process group with stdin closed and stdout+stderr on one channel.
 * A job is its process group: when the main process exits, whatever it left running in
 * the group is killed once the output drains (or after `drainMs`), so that nothing runs
 * on into the next invocation of a reused execution environment.
 */
export async function runSubprocess(options: SubprocessOptions): Promise<ProcessEnd> {
  const [file, ...args] = options.argv;
  if (file === undefined || file === '') return { kind: 'not-started', errno: 'ENOENT', message: 'empty argv' };
  const pipe = await openOutputPipe();
  const outputClosed = new Promise<void>((resolve) => {
    pipe.reader.on('data', options.onOutput);
    pipe.reader.once('close', () => resolve());
    pipe.reader.on('error', () => undefined);
  });
  let child: ChildProcess;
  try {
    child = spawn(file, args, {
      stdio: ['ignore', pipe.writeEnd, pipe.writeEnd],
      detached: true,
      env: options.env ?? process.env,
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
  } catch (error) {
    // spawn throws synchronously for arguments it cannot pass (e.g. a NUL byte).
    pipe.closeWriteEnd();
    pipe.reader.destroy();
    return { kind: 'not-started', errno: errnoOf(error) ?? 'EINVAL', message: messageOf(error) };
  } finally {
    pipe.closeWriteEnd();
  }
  const ended = waitForEnd(child);
  const stopGroup = () => killGroupGracefully(child, options.killGraceMs, ended);
  if (options.signal.aborted) stopGroup();
  else options.signal.addEventListener('abort', stopGroup, { once: true });
  const end = await ended;
  options.signal.removeEventListener('abort', stopGroup);
  const drainMs = options.drainMs ?? DEFAULT_DRAIN_MS;
  if (!(await settlesWithin(outputClosed, drainMs))) {
    killGroup(child.pid, 'SIGKILL');
    if (!(await settlesWithin(outputClosed, drainMs))) pipe.reader.destroy();
  }
  killGroup(child.pid, 'SIGKILL');
  return end;
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

/** SIGTERM to the whole group now, SIGKILL after the grace period unless the main process ended. */
function killGroupGracefully(child: ChildProcess, graceMs: number, ended: Promise<ProcessEnd>): void {
  killGroup(child.pid, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), graceMs);
  void ended.then(() => clearTimeout(timer));
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
