import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readLocalJson, type LocalJson } from '../../local/local-json.js';

export const REPO = resolve(import.meta.dirname, '../..');
export const CLI = join(REPO, 'dist/cli/main.js');

/** A local runtime running as `aws-exec serve` in a child process, as users run it. */
export interface TestRuntime {
  dataDir: string;
  config: LocalJson;
  process: ChildProcess;
  /** Everything the runtime printed so far. */
  output(): string;
  /** SIGTERM and wait for a clean exit. */
  stop(): Promise<number | null>;
  /** SIGKILL, as a crash would. */
  kill9(): Promise<void>;
  /** Stops the runtime and removes its data directory. */
  dispose(): Promise<void>;
}

export interface StartOptions {
  dataDir?: string;
  env?: Record<string, string>;
  args?: string[];
  /** The directory serve runs in (its jobs run there too); the repository by default. */
  cwd?: string;
}

/** Starts `node dist/cli/main.js serve` on free ports and waits until it wrote a fresh local.json. */
export async function startTestRuntime(options: StartOptions = {}): Promise<TestRuntime> {
  if (!existsSync(CLI)) throw new Error(`Expected the built CLI at ${CLI}: run \`npm run build\` first`);
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'aws-exec-test-'));
  const child = spawn(process.execPath, [CLI, 'serve', '--data-dir', dataDir, '--port', '0', '--aws-port', '0', ...(options.args ?? [])], {
    cwd: options.cwd ?? REPO,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const config = await waitForConfig(dataDir, child, () => output);
  let stopped = false;
  const stop = async () => {
    if (!stopped) {
      stopped = true;
      child.kill('SIGTERM');
    }
    return exited;
  };
  return {
    dataDir,
    config,
    process: child,
    output: () => output,
    stop,
    async kill9() {
      stopped = true;
      child.kill('SIGKILL');
      await exited;
    },
    async dispose() {
      await stop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function waitForConfig(dataDir: string, child: ChildProcess, output: () => string): Promise<LocalJson> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`aws-exec serve exited with ${child.exitCode}:\n${output()}`);
    try {
      const config = readLocalJson(dataDir);
      if (config !== undefined && config.pid === child.pid) return config;
    } catch {
      // being written
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`aws-exec serve did not become ready within 60 s:\n${output()}`);
}
