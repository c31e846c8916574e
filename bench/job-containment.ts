/*
 * What holding a job's processes costs (backend/README.md, "No process outlives its job"):
 * `echo hi` through runSubprocess with a cgroup per job (where this process may create
 * one), with /proc tracking, and with /proc tracking plus the orphan sweep, beside a bare
 * spawn; the variants interleaved, so that a busy machine slows them alike.
 *
 *   node --import tsx bench/job-containment.ts        (as root for the cgroup row)
 */
import { spawn } from 'node:child_process';
import { openJobContainment, type ContainmentOptions } from '../backend/runner/containment.js';
import { runSubprocess } from '../backend/runner/subprocess.js';

const ROUNDS = 200;

function runEcho(containment: ContainmentOptions): () => Promise<unknown> {
  return () => runSubprocess({ argv: ['echo', 'hi'], onOutput: () => undefined, signal: new AbortController().signal, killGraceMs: 500, containment });
}

const probe = openJobContainment();
await probe.killAll();
const variants: Record<string, () => Promise<unknown>> = {
  'bare spawn': () => new Promise((resolve) => spawn('echo', ['hi'], { stdio: 'ignore' }).once('exit', resolve)),
  ...(probe.kind === 'cgroup' ? { 'runSubprocess, cgroup': runEcho({}) } : {}),
  'runSubprocess, /proc tracking': runEcho({ cgroups: false }),
  'runSubprocess, tracking + orphan sweep': runEcho({ cgroups: false, sweepOrphans: true }),
};

const times = new Map<string, number[]>();
const cpu = new Map<string, number>();
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, run] of Object.entries(variants)) {
    const startedCpu = process.cpuUsage();
    const started = performance.now();
    await run();
    times.set(name, [...(times.get(name) ?? []), performance.now() - started]);
    const used = process.cpuUsage(startedCpu);
    cpu.set(name, (cpu.get(name) ?? 0) + used.user + used.system);
  }
}
if (probe.kind !== 'cgroup') console.log('(no cgroup could be created here: the cgroup row is left out)');
for (const [name, list] of times) {
  const sorted = [...list].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.floor(q * (sorted.length - 1))]!.toFixed(2);
  const cpuMs = ((cpu.get(name) ?? 0) / ROUNDS / 1000).toFixed(2);
  console.log(`${name.padEnd(40)} p50 ${at(0.5)} ms  p90 ${at(0.9)} ms  CPU of this process ${cpuMs} ms/job`);
}
