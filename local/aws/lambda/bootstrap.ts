/*
 * The entry point of an execution environment (a worker process forked by the local
 * Lambda service with an IPC channel). It loads the handler module once, then runs one
 * invocation per `invoke` message, for as long as the service keeps it warm. When the
 * service goes away (the channel closes, or the watchdog thread sees a new parent), it
 * kills every process it started and exits, so that no job outlives the runtime.
 *
 * Runs as plain JavaScript from dist/ and, under vitest, as TypeScript through tsx.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { countActiveResources, InitError, loadHandler, runHandler, type Handler } from './handler-runner.js';
import { describeError } from './error-shape.js';
import type { FunctionErrorBody, InvokeMessage, WorkerMessage } from './ipc.js';
import { killProcessTree, SANDBOX_MARKER_VARIABLE } from './process-tree.js';
import { readBootstrapArgs, readInvokeMessage } from './worker-guards.js';

const marker = process.env[SANDBOX_MARKER_VARIABLE];
/** Invocations running now. */
let running = 0;
/** Set by SIGTERM: the service is shutting the environment down. */
let shuttingDown = false;

function send(message: WorkerMessage, then?: () => void): void {
  if (!process.connected || !process.send) {
    then?.();
    return;
  }
  process.send(message, undefined, undefined, () => then?.());
}

/** Kills everything this environment started, then itself. */
function exitWithDescendants(): never {
  killProcessTree(process.pid, marker);
  process.exit(1);
}

/** Reports an error that ends the environment, then exits (AWS's runtime exits with 129 here). */
function reportFatal(error: FunctionErrorBody): void {
  process.stderr.write(`${error.errorType}: ${error.errorMessage}\n${(error.trace ?? []).slice(1).join('\n')}\n`);
  const exit = (): never => process.exit(129);
  setTimeout(exit, 1000).unref();
  send({ type: 'fatal', error }, exit);
}

// Loads the watchdog module in a worker thread; under tsx (TypeScript sources) it first
// registers tsx there, since a worker thread does not inherit the `--import tsx` hooks.
const WATCHDOG_LOADER = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.preload) (await import(workerData.preload)).register();
  await import(workerData.entry);
})().catch((error) => {
  process.stderr.write('local lambda watchdog failed to start: ' + String(error && error.stack || error) + '\\n');
});
`;

// A worker thread polls the parent pid: it notices the service's death even while a handler
// keeps the main thread busy (a synchronous loop never lets the 'disconnect' event run).
function startWatchdog(): void {
  const extension = extname(fileURLToPath(import.meta.url));
  const watchdog = new Worker(WATCHDOG_LOADER, {
    eval: true,
    workerData: {
      parentPid: process.ppid,
      marker,
      entry: new URL(`./watchdog${extension}`, import.meta.url).href,
      preload: extension === '.ts' ? import.meta.resolve('tsx/esm/api') : undefined,
    },
  });
  watchdog.on('error', (error) => process.stderr.write(`local lambda watchdog failed: ${String(error)}\n`));
  watchdog.unref();
}

async function main(): Promise<void> {
  const args = readBootstrapArgs(process.argv.slice(2));
  if (!args || !process.send) {
    process.stderr.write(
      `Expected to be forked by the local Lambda service with an IPC channel and <module> <handlerExport> arguments, got ${JSON.stringify(process.argv.slice(2))}\n`,
    );
    process.exit(2);
  }
  const { modulePath, exportName } = args;
  process.on('disconnect', exitWithDescendants);
  // The service's shutdown, as Lambda's Shutdown phase: SIGTERM, then SIGKILL after a grace
  // period (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html,
  // "Shutdown phase"). The handler's own SIGTERM listeners run too (the backend stops its
  // jobs there); the environment exits once its invocations have answered.
  process.on('SIGTERM', () => {
    shuttingDown = true;
    if (running === 0) exitWithDescendants();
  });
  process.on('uncaughtException', (error) => reportFatal(describeError(error)));
  process.on('unhandledRejection', (reason) => {
    const described = describeError(reason);
    reportFatal({
      errorType: 'Runtime.UnhandledPromiseRejection',
      errorMessage: `${described.errorType}: ${described.errorMessage}`,
      trace: described.trace ?? [],
    });
  });
  startWatchdog();

  let handler: Handler;
  try {
    handler = await loadHandler(modulePath, exportName);
  } catch (error) {
    const body = error instanceof InitError ? error.body : describeError(error);
    send({ type: 'init-error', error: body }, () => process.exit(1));
    return;
  }
  process.on('message', (raw) => {
    const message = readInvokeMessage(raw);
    if (!message) {
      process.stderr.write(`local lambda bootstrap: ignoring a message that is not an invoke request\n`);
      return;
    }
    void invoke(handler, message);
  });
  send({ type: 'ready' });
}

async function invoke(handler: Handler, message: InvokeMessage): Promise<void> {
  running += 1;
  const answer = (reply: WorkerMessage) =>
    send(reply, () => {
      running -= 1;
      if (shuttingDown && running === 0) exitWithDescendants();
    });
  let event: unknown;
  try {
    event = JSON.parse(message.payload);
  } catch (error) {
    answer({ type: 'error', requestId: message.requestId, error: describeError(error) });
    return;
  }
  const outcome = await runHandler(handler, event, { message, env: process.env, idleResourceCount: countActiveResources() });
  if (outcome.ok) answer({ type: 'result', requestId: message.requestId, payload: outcome.payload });
  else answer({ type: 'error', requestId: message.requestId, error: outcome.error });
}

void main();
