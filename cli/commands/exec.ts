import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { createCliClient } from '../client.js';
import type { GlobalOptions } from '../client.js';
import type { CliContext } from '../context.js';
import { say, writeTo } from '../context.js';
import { jobPageUrl } from '../job-link.js';
import { createLogOutput } from '../log-output.js';
import { UsageError } from '../errors.js';
import { followJob } from '../follow.js';

/** Options shared by the commands that start a job and follow it. */
export interface JobOptions {
  timeout?: number;
  detach?: boolean;
  cancelOnInterrupt?: boolean;
  json?: boolean;
}

/** Adds --timeout, --detach, --cancel-on-interrupt and --json to a command that starts a job. */
export function addJobOptions(command: Command): Command {
  return command
    .option('--timeout <seconds>', "the job's own time limit; it exits 124 when reached", parsePositiveInteger)
    .option('--detach', 'print the job uid and return at once instead of following the log')
    .option('--cancel-on-interrupt', 'cancel the job on Ctrl-C without asking')
    .option('--json', 'print JSON: with --detach {"uid","url"}; else one object per log chunk {"offset","text"}, then {"exit","offset"}');
}

/** Parses a positive integer option value, or fails with what was expected. */
export function parsePositiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError(`Expected a positive integer, got \`${value}\`.`);
  return Number(value);
}

/** Parses a non-negative integer option value (an offset, a port); in its own module so `serve` loads it without the client. */
export { parseNonNegativeInteger } from '../integer-option.js';

/** Starts a job, then follows it (or prints its uid with --detach); resolves with the exit status. */
export async function startAndFollow(
  context: CliContext,
  globals: GlobalOptions,
  request: { argv: string[] } | { rpcName: string; rpcArgs: string | Record<string, unknown> },
  options: JobOptions,
): Promise<number> {
  const { client, config } = createCliClient(context, globals);
  const uid = await client.start({ ...request, timeout: options.timeout });
  const url = jobPageUrl(config.url, uid);
  say(context, `job ${uid} · ${url}`);
  if (options.detach) {
    await writeTo(context.stdout, options.json ? `${JSON.stringify({ uid, url })}\n` : `${uid}\n`);
    return 0;
  }
  const output = createLogOutput(context, { json: options.json });
  return followJob(context, client, uid, { cancelOnInterrupt: options.cancelOnInterrupt, output });
}

/** `aws-exec exec [options] -- CMD [ARGS...]`: runs a subprocess as a remote job. */
export function addExecCommand(program: Command, context: CliContext, run: (work: () => Promise<number>) => Promise<void>): void {
  const command = program
    .command('exec')
    .summary('run a command as a job; its output streams here and its exit code becomes ours')
    .description(
      'Runs CMD with ARGS as a subprocess job (no shell unless you ask for one), streams its output (stdout and stderr, in order) to stdout byte-exact, and exits with its exit code.',
    )
    .argument('<cmd...>', 'the program and its arguments (put them after --)')
    .addHelpText(
      'after',
      `
Examples:
  $ aws-exec exec -- whoami
  $ aws-exec exec -- sh -c 'echo hi; exit 3'; echo $?      # prints hi, then 3
  $ aws-exec exec --timeout 60 -- make test
  $ aws-exec exec --detach -- sleep 600                      # prints the uid
  $ aws-exec exec --detach --json -- sleep 600               # {"uid": ..., "url": ...}
  $ aws-exec exec --json -- seq 3                            # a JSON object per chunk, then the exit`,
    );
  addJobOptions(command).action(async (argv: string[], options: JobOptions, self: Command) => {
    await run(async () => {
      if (argv.length === 0) throw new UsageError('Expected a command after --, e.g. `aws-exec exec -- ls -la`');
      return startAndFollow(context, self.optsWithGlobals(), { argv }, options);
    });
  });
}
