/*
 * What holding a job's processes costs (backend/README.md, "No process outlives its job"):
 * `echo hi` through runSubprocess with a cgroup per job (where this process may create
 * one) started the usual way and from a ready process (runner/ready-start.ts), with /proc
 * tracking, and with /proc tracking plus the orphan sweep, beside a bare spawn; the
 * variants interleaved, so that a busy machine slows them alike.
 *
 * Each run comes GAP_MS after the one before, as jobs come to a service: a cgroup move
 * right after another is cheap, one after a pause waits for an RCU grace period (see
 * ready-start.ts), and back-to-back runs would hide that.
 *
 *   node --import tsx bench/job-containment.ts        (as root for the cgroup rows)
 */
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { openJobContainment, type ContainmentOptions } from '../backend/runner/containment.js';
import { readyStartCounts } from '../backend/runner/ready-start.js';
import { prepareSubprocess, runSubprocess } from '../backend/runner/subprocess.js';

const ROUNDS = 100;
const GAP_MS = 60;

function runEcho(containment: ContainmentOptions): () => Promise<unknown> {
  return () => runSubprocess({ argv: ['echo', 'hi'], onOutput: () => undefined, signal: new AbortController().signal, killGraceMs: 500, containment });
}

const probe = openJobContainment();
await probe.killAll();
const cgroupRows: Record<string, { run: () => Promise<unknown>; prepare?: () => Promise<void> }> =
  probe.kind === 'cgroup'
    ? {
        'runSubprocess, cgroup (spawn inside)': { run: runEcho({}) },
        'runSubprocess, cgroup (ready start)': { run: runEcho({}), prepare: () => prepareSubprocess({}) },
      }
    : {};
const variants: Record<string, { run: () => Promise<unknown>; prepare?: () => Promise<void> }> = {
  'bare spawn': { run: () => new Promise((resolve) => spawn('echo', ['hi'], { stdio: 'ignore' }).once('exit', resolve)) },
  ...cgroupRows,
  'runSubprocess, /proc tracking': { run: runEcho({ cgroups: false }) },
  'runSubprocess, tracking + orphan sweep': { run: runEcho({ cgroups: false, sweepOrphans: true }) },
};

const times = new Map<string, number[]>();
const cpu = new Map<string, number>();
let fromReady = 0;
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, variant] of Object.entries(variants)) {
    // A ready process is made during the pause, as the runner makes it once a job is over.
    await Promise.all([variant.prepare?.(), sleep(GAP_MS)]);
    const readyBefore = readyStartCounts.ready;
    const startedCpu = process.cpuUsage();
    const started = performance.now();
    await variant.run();
    times.set(name, [...(times.get(name) ?? []), performance.now() - started]);
    const used = process.cpuUsage(startedCpu);
    cpu.set(name, (cpu.get(name) ?? 0) + used.user + used.system);
    if (variant.prepare) fromReady += readyStartCounts.ready - readyBefore;
  }
}
if (probe.kind !== 'cgroup') console.log('(no cgroup could be created here: the cgroup rows are left out)');
for (const [name, list] of times) {
  const sorted = [...list].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.floor(q * (sorted.length - 1))]!.toFixed(2);
  const cpuMs = ((cpu.get(name) ?? 0) / ROUNDS / 1000).toFixed(2);
  console.log(`${name.padEnd(40)} p50 ${at(0.5)} ms  p90 ${at(0.9)} ms  CPU of this process ${cpuMs} ms/job`);
}
if (probe.kind === 'cgroup') console.log(`(ready start: ${fromReady} of ${ROUNDS} runs started from a ready process; ${GAP_MS} ms between runs)`);
