/*
 * A worker thread inside each execution environment: when the environment's parent (the
 * local Lambda service) dies, the environment is re-parented; this thread notices even if
 * the handler blocks the main thread, and kills the environment with everything it started.
 */
import { workerData } from 'node:worker_threads';
import { killProcessTree } from './process-tree.js';
import { readWatchdogData } from './worker-guards.js';

const POLL_INTERVAL_MS = 500;

const data = readWatchdogData(workerData);
if (data) {
  const { parentPid, marker } = data;
  setInterval(() => {
    if (process.ppid !== parentPid) killProcessTree(process.pid, marker);
  }, POLL_INTERVAL_MS);
} else {
  throw new Error(`Expected watchdog data {parentPid, marker}, got ${JSON.stringify(workerData)}`);
}
