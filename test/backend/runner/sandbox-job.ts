/*
 * Runs inside a PID namespace of its own (containment.test.ts starts it under `unshare`):
 * one job that leaves daemons behind, with /proc tracking and the orphan sweep as on
 * Lambda; prints {end, daemons, alive} as JSON.
 */
import { runSubprocess } from '../../../backend/runner/subprocess.js';
import { daemonScript, readDaemonPids } from '../../helpers/daemons.js';
import { isProcessAlive } from '../../helpers/processes.js';

let output = '';
const end = await runSubprocess({
  argv: ['sh', '-c', daemonScript('exit 0')],
  onOutput: (chunk) => (output += chunk.toString()),
  signal: new AbortController().signal,
  killGraceMs: 500,
  containment: { cgroups: false, sweepOrphans: true },
});
const pids = readDaemonPids(output);
const alive = Object.entries(pids)
  .filter(([, pid]) => isProcessAlive(pid))
  .map(([kind]) => kind);
process.stdout.write(JSON.stringify({ end, daemons: Object.keys(pids), alive }));
