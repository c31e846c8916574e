// Starts long sleeps the way a job runner does, then waits forever (or returns at once with event.return,
// or blocks its thread forever with event.spin).
// - a `sh` in its own process group whose child `sleep` is a grandchild of the environment;
// - a daemonized `sleep` whose parent exits at once (re-parented to init, found only by its marker).
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

export const handler = async (event) => {
  const nested = spawn('sh', ['-c', `sleep 1000 & echo $! > ${event.dir}/nested.pid; wait`], { detached: true, stdio: 'ignore' });
  const daemon = spawn('sh', ['-c', `sleep 1000 > /dev/null 2>&1 & echo $! > ${event.dir}/orphan.pid`], { detached: true, stdio: 'ignore' });
  await new Promise((resolve) => daemon.on('exit', resolve));
  while (!existsNonEmpty(`${event.dir}/nested.pid`)) await new Promise((resolve) => setTimeout(resolve, 10));
  writeFileSync(`${event.dir}/pids.json`, JSON.stringify({
    worker: process.pid,
    shell: nested.pid,
    nested: Number(readFileSync(`${event.dir}/nested.pid`, 'utf8')),
    orphan: Number(readFileSync(`${event.dir}/orphan.pid`, 'utf8')),
  }));
  if (event.return) return 'started';
  if (event.spin) for (;;);
  return new Promise(() => {});
};

function existsNonEmpty(path) {
  try {
    return readFileSync(path, 'utf8').trim() !== '';
  } catch {
    return false;
  }
}
