import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { delimiter, join, resolve } from 'node:path';
import type { Socket } from 'node:net';
import { createCgroup, destroyCgroup } from './cgroup.js';
import { cgroupHome, openCgroupContainment, type JobContainment } from './containment.js';
import { openOutputPipe, type OutputPipe } from './output-pipe.js';

/*
 * A job's process, started without a cgroup migration or a fork of this process on the
 * job's path.
 *
 * Moving a process into a cgroup (a write to cgroup.procs) takes the kernel's
 * cgroup_threadgroup_rwsem for writing, and percpu_down_write() waits for an RCU grace
 * period whenever no writer came lately (rcu_sync_enter(): kernel/cgroup/cgroup.c,
 * kernel/rcu/sync.c; the cgroup2 `favordynmods` mount option exists for this cost,
 * https://docs.kernel.org/admin-guide/cgroup-v2.html). Profiled here (`--cpu-prof` of a
 * Lambda worker running `echo hi` jobs one after another): 10-20 ms per job in a synchronous
 * writeFileSync, plus 5-7 ms for Node's spawn() to fork a worker with a large heap.
 *
 * So the next job's process is made ahead, while the runner is idle: a /bin/sh born with the
 * job's stdio and environment, in a process group of its own, moved (asynchronously) into a
 * fresh cgroup, and blocked reading one line from fd 3, so that it cannot start anything
 * before it is held. The job writes it `exec PROGRAM ARGS`: the shell execs the program in
 * its place (same pid, group, cgroup and stdio), so starting the job costs one exec. What
 * the shell cannot pass exactly (another working directory or environment, a program
 * starting with `-`, NUL bytes) takes the usual path: spawn() inside the cgroup.
 */

/** The stub: `nl` lets a line carry newlines in arguments; fd 3 is closed before the exec. */
const STUB_SCRIPT = "nl='\n'\nIFS= read -r line <&3 || exit 0\nexec 3<&-\neval \"$line\"";
/** Where the stub's shell is; its absence turns ready starts off. */
const SHELL = '/bin/sh';

/** A started job: its process, the output channel it writes to, and what holds it. */
export interface StartedJob {
  child: ChildProcess;
  pipe: OutputPipe;
  held: JobContainment;
}

interface Ready {
  child: ChildProcess;
  control: Socket;
  pipe: OutputPipe;
  dir: string;
  /** The cgroup `dir` is a child of. */
  home: string;
  cwd: string;
  /** The environment it was born with (a copy). */
  env: Readonly<Record<string, string | undefined>>;
  held: boolean;
}

let ready: Ready | undefined;
let preparing: Promise<void> | undefined;
/** No /bin/sh here: every job takes the usual path. */
let unavailable = false;

/** How many jobs started from a ready process, and how many took the usual path (for tests and benchmarks). */
export const readyStartCounts = { ready: 0, usual: 0 };

/**
 * Makes the next job's process ahead, in the background (no-op where jobs get no cgroup,
 * or one is ready or on its way). `env` and `cwd` are what the next job will be given.
 * Resolves once it is ready (or could not be made); callers need not wait.
 */
export function prepareReadyStart(env: NodeJS.ProcessEnv, cwd: string): Promise<void> {
  unavailable ||= !existsSync(SHELL);
  if (unavailable || (ready && isUsable(ready))) return Promise.resolve();
  preparing ??= makeReady(env, cwd)
    .catch(() => undefined)
    .finally(() => (preparing = undefined));
  return preparing;
}

/**
 * Starts `argv` from the ready process when it fits (same environment and working
 * directory, a program the shell execs as spawn() would); undefined otherwise. A program
 * that cannot be found or run gives its errno, as spawn() would, and the ready process
 * stays for the next job.
 */
export function startFromReady(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): StartedJob | { errno: string } | undefined {
  const taken = ready;
  const [file] = argv;
  const fits = taken !== undefined && file !== undefined && env.PATH !== undefined && taken.cwd === cwd && fitsTheShell(argv);
  if (!fits || !isUsable(taken) || !sameEnv(taken.env, env)) {
    readyStartCounts.usual += 1;
    return undefined;
  }
  const errno = findProgram(file as string, env.PATH, cwd);
  if (errno !== undefined) return { errno };
  ready = undefined;
  readyStartCounts.ready += 1;
  taken.control.end(`exec ${argv.map(quote).join(' ')}\n`);
  taken.child.ref();
  taken.pipe.reader.ref();
  return { child: taken.child, pipe: taken.pipe, held: openCgroupContainment(taken.dir, taken.home) };
}

function isUsable(candidate: Ready): boolean {
  return candidate.held && candidate.child.exitCode === null && candidate.child.signalCode === null && cgroupHome() === candidate.home;
}

async function makeReady(env: NodeJS.ProcessEnv, cwd: string): Promise<void> {
  const home = cgroupHome();
  if (home === null) return;
  const old = ready;
  ready = undefined;
  if (old) discard(old);
  const dir = createCgroup(home, 'job');
  if (dir === undefined) return;
  let pipe: OutputPipe | undefined;
  let child: ChildProcess | undefined;
  try {
    pipe = await openOutputPipe();
    child = spawn(SHELL, ['-c', STUB_SCRIPT], { stdio: ['ignore', pipe.writeEnd, pipe.writeEnd, 'pipe'], detached: true, env, cwd });
    pipe.closeWriteEnd();
    const control = child.stdio[3] as Socket | null;
    if (child.pid === undefined || !control) throw new Error('the ready process did not start');
    child.on('error', () => undefined);
    control.on('error', () => undefined);
    child.unref();
    control.unref();
    pipe.reader.unref();
    const candidate: Ready = { child, control, pipe, dir, home, cwd, env: { ...env }, held: false };
    ready = candidate;
    // Asynchronous: the grace period is waited for on libuv's thread pool, not on the event loop.
    await writeFile(join(dir, 'cgroup.procs'), String(child.pid));
    candidate.held = true;
  } catch {
    if (ready?.dir === dir) ready = undefined;
    child?.kill('SIGKILL');
    pipe?.closeWriteEnd();
    pipe?.reader.destroy();
    void destroyCgroup(dir, 2_000);
  }
}

/** Ends a ready process no job will use (its cgroup goes with it). */
function discard(old: Ready): void {
  old.control.destroy();
  old.pipe.reader.destroy();
  old.child.kill('SIGKILL');
  void destroyCgroup(old.dir, 2_000);
}

/** Whether `env` holds exactly the names and values the ready process was born with (in any order). */
function sameEnv(born: Readonly<Record<string, string | undefined>>, env: NodeJS.ProcessEnv): boolean {
  const names = Object.keys(env);
  return names.length === Object.keys(born).length && names.every((name) => Object.hasOwn(born, name) && born[name] === env[name]);
}

/** Whether the shell line passes argv exactly: no NUL bytes, and a program the shell's exec does not take for an option. */
function fitsTheShell(argv: readonly string[]): boolean {
  return !argv[0]?.startsWith('-') && argv.every((arg) => !arg.includes('\0'));
}

/** A single-quoted shell word; a newline becomes the stub's `$nl`, so the line stays one line. */
function quote(text: string): string {
  return `'${text.replaceAll("'", "'\\''").replaceAll('\n', `'"$nl"'`)}'`;
}

/**
 * Why spawn() would fail to run `file` (ENOENT, EACCES, ENAMETOOLONG, …), or undefined when
 * it would run: execvp(3)'s search, through the job's PATH unless the name has a slash. As
 * glibc's execvp: a candidate that is missing goes on to the next, one that may not be run
 * is remembered (EACCES), any other error ends the search with that error.
 */
export function findProgram(file: string, path: string | undefined, cwd: string): string | undefined {
  const candidates = file.includes('/') ? [resolve(cwd, file)] : (path ?? '').split(delimiter).map((dir) => resolve(cwd, dir, file));
  let errno = 'ENOENT';
  for (const candidate of candidates) {
    try {
      if (!statSync(candidate).isFile()) {
        errno = 'EACCES';
        continue;
      }
      accessSync(candidate, constants.X_OK);
      return undefined;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'ENOENT';
      if (code === 'EACCES') errno = code;
      else if (!SEARCH_GOES_ON.has(code)) return code;
    }
  }
  return errno;
}

/** Errors after which execvp(3) tries the next directory of PATH (glibc posix/execvpe.c). */
const SEARCH_GOES_ON = new Set(['ENOENT', 'ENOTDIR', 'ESTALE', 'ENODEV', 'ETIMEDOUT']);
