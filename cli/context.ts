import type { Readable, Writable } from 'node:stream';
import type { CommandRegistry } from '../cmd/registry.js';
import type { CliEnv } from './config.js';

/** Everything a CLI command may touch of the outside world, passed in so tests can supply their own. */
export interface CliContext {
  env: CliEnv & Record<string, string | undefined>;
  cwd: string;
  stdout: Writable;
  stderr: Writable;
  stdin: Readable & { isTTY?: boolean };
  /** The registered commands, each a subcommand. */
  registry: CommandRegistry;
  /** Where SIGINT/SIGTERM arrive (the process, in real use). */
  signals: Pick<NodeJS.Process, 'on' | 'off'>;
}

/** Writes bytes or text and waits until the stream has taken them (backpressure). */
export function writeTo(stream: Writable, chunk: Uint8Array | string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(chunk, (error) => (error ? reject(error) : resolve()));
  });
}

/** Writes one line of text to stderr, for messages that must not mix with a job's output. */
export function say(context: CliContext, line: string): void {
  context.stderr.write(`${line}\n`);
}
