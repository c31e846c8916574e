// Runs the CLI as users do: a node subprocess of cli/main.ts (through tsx, so no build is needed).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { EventEmitter } from 'node:events';
import { CommandRegistry } from '../../cmd/registry.js';
import type { CliContext } from '../../cli/context.js';

const repo = join(import.meta.dirname, '../..');
const tsxLoader = join(repo, 'node_modules/tsx/dist/loader.mjs');
const main = join(repo, 'cli/main.ts');

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

export interface CliProcess {
  child: ChildProcess;
  /** Resolves once stdout or stderr has shown text matching the pattern. */
  waitFor(pattern: RegExp, stream?: 'stdout' | 'stderr'): Promise<void>;
  done: Promise<CliResult>;
}

/** Starts `aws-exec ARGS` with exactly the given environment (plus PATH) in `cwd`. */
export function startCli(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): CliProcess {
  const child = spawn(process.execPath, ['--import', tsxLoader, main, ...args], {
    cwd: options.cwd ?? repo,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const waiters: { pattern: RegExp; stream: 'stdout' | 'stderr'; resolve: () => void }[] = [];
  const check = () => {
    for (const waiter of [...waiters]) {
      const text = Buffer.concat(waiter.stream === 'stdout' ? out : err).toString('utf8');
      if (waiter.pattern.test(text)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    out.push(chunk);
    check();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err.push(chunk);
    check();
  });
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (status, signal) => resolve({ status, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }));
  });
  return {
    child,
    done,
    waitFor: (pattern, stream = 'stdout') =>
      new Promise((resolve) => {
        waiters.push({ pattern, stream, resolve });
        check();
      }),
  };
}

/** Runs `aws-exec ARGS` to the end. */
export function runCli(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<CliResult> {
  const started = startCli(args, options);
  started.child.stdin?.end();
  return started.done;
}

/** An in-process CLI context whose output is collected, for tests of the program itself. */
export function createTestContext(registry = new CommandRegistry([]), env: Record<string, string> = {}, cwd = repo) {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const collect = (into: Buffer[]) =>
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        into.push(Buffer.from(chunk));
        callback();
      },
    });
  const signals = new EventEmitter();
  const context: CliContext = {
    env,
    cwd,
    stdout: collect(out),
    stderr: collect(err),
    stdin: new PassThrough(),
    registry,
    signals: signals as unknown as CliContext['signals'],
  };
  return { context, signals, stdout: () => Buffer.concat(out).toString('utf8'), stderr: () => Buffer.concat(err).toString('utf8') };
}
