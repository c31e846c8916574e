import type { z } from 'zod';

/** What a running command gets besides its arguments. */
export interface CommandContext {
  /** Appends output to the job's log: strings as UTF-8, bytes exactly as given. */
  log: (chunk: string | Uint8Array) => void;
  /** Aborted when the job is cancelled or times out; long work should stop when it fires. */
  signal: AbortSignal;
  /**
   * The directory relative paths start from: the job's working directory (JOB_WORKING_DIRECTORY,
   * see backend/README.md) in a job, the caller's working directory when the CLI runs the
   * command here. Resolve paths against it (`resolve(cwd, path)`) rather than process.cwd().
   */
  cwd: string;
}

/** A registered command: callable by RPC (`rpc-name`) and as a CLI subcommand. */
export interface Command<Args extends z.ZodType = z.ZodType> {
  /** Lowercase name, e.g. `listdir`; used as rpc-name and CLI subcommand. */
  name: string;
  /** One line saying what it does (shown in --help and the web form). */
  describe: string;
  /** The arguments' schema; rpc-args is checked against it before anything starts. */
  args: Args;
  /** Runs the command; the returned number is the exit code (none = 0, a throw = 1). */
  run(args: z.output<Args>, context: CommandContext): Promise<number | void> | number | void;
}

const NAME = /^[a-z][a-z0-9-]{0,63}$/;

/** Declares a command; its type flows from the `args` schema into `run`. */
export function defineCommand<Args extends z.ZodType>(command: Command<Args>): Command<Args> {
  if (!NAME.test(command.name)) {
    throw new Error(`Expected a command name of lowercase letters, digits and '-', got \`${command.name}\``);
  }
  return Object.freeze({ ...command });
}
