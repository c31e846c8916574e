import type { LookupFunction } from 'node:net';
import type { z } from 'zod';

/**
 * What a command may reach on behalf of its caller. A job of a key without the `exec`
 * scope runs its command confined: files, network destinations and environment variables
 * only as far as these allow (README, "Security model"). A `confined: true` command reaches
 * them through nothing else; for other callers (and the CLI) they allow everything.
 */
export interface Reach {
  /** False for a confined caller. */
  readonly unconfined: boolean;
  /** Resolves an absolute path the command is about to read (symlinks followed); throws when the caller may not read it. */
  checkPath(path: string): Promise<string>;
  /** Throws unless the caller may connect to this host (an IP literal is checked here; a name by `lookup`). */
  checkHost(host: string): void;
  /** A DNS lookup for node:net/http/https's `lookup` option that refuses addresses the caller may not connect to. */
  lookup: LookupFunction;
  /** The environment variables the command may read and hand to its subprocesses. */
  env: Readonly<Record<string, string | undefined>>;
}

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
  /** What the command may reach for its caller (see Reach). */
  reach: Reach;
}

/** A registered command: callable by RPC (`rpc-name`) and as a CLI subcommand. */
export interface Command<Args extends z.ZodType = z.ZodType> {
  /** Lowercase name, e.g. `listdir`; used as rpc-name and CLI subcommand. */
  name: string;
  /** One line saying what it does (shown in --help and the web form). */
  describe: string;
  /** The arguments' schema; rpc-args is checked against it before anything starts. */
  args: Args;
  /**
   * True when the command reaches files, network destinations and environment variables
   * only through `context.reach`: then keys without `exec` may be given it (`rpc:NAME`)
   * and it runs confined for them. Without it, only keys with `exec` may run it.
   */
  confined?: boolean;
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
