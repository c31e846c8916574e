import type { Command } from 'commander';
import { createCliClient } from '../client.js';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import { followJob } from '../follow.js';
import { createLogOutput } from '../log-output.js';
import { parseNonNegativeInteger } from './exec.js';

interface TailOptions {
  from?: number;
  lines?: number;
  timestamps?: boolean;
  json?: boolean;
  cancelOnInterrupt?: boolean;
}

/** `aws-exec tail UID [--from N | --lines N] [--timestamps] [--json]`: follows a job's log to its exit. */
export function addTailCommand(program: Command, context: CliContext, run: (work: () => Promise<number>) => Promise<void>): void {
  program
    .command('tail')
    .summary("follow a job's log to its end and exit with its exit code")
    .argument('<uid>', 'the job uid (as `exec --detach` or `ls` print it)')
    .option('--from <bytes>', 'start at this byte offset of the log', parseNonNegativeInteger)
    .option('-n, --lines <n>', 'start with the last N lines of the log so far (as tail -n N -f)', parseNonNegativeInteger)
    .option('--timestamps', "prefix each line with when its first byte arrived here (ISO 8601, UTC; this machine's clock)")
    .option('--json', 'one JSON object per chunk {"offset","text"} ("time" with --timestamps), then {"exit","offset"}')
    .option('--cancel-on-interrupt', 'cancel the job on Ctrl-C without asking')
    .addHelpText(
      'after',
      `
Examples:
  $ aws-exec tail 1700000000.123e4567-e89b-12d3-a456-426614174000
  $ aws-exec tail 1700000000.123e4567-e89b-12d3-a456-426614174000 --from 2048
  $ aws-exec tail 1700000000.123e4567-e89b-12d3-a456-426614174000 --lines 20 --timestamps
  $ aws-exec tail 1700000000.123e4567-e89b-12d3-a456-426614174000 --json | jq -r .text`,
    )
    .action(async (uid: string, options: TailOptions, self: Command) => {
      await run(async () => {
        if (options.from !== undefined && options.lines !== undefined) throw new UsageError('Expected --from or --lines, not both');
        const { client } = createCliClient(context, self.optsWithGlobals());
        const output = createLogOutput(context, { lines: options.lines, timestamps: options.timestamps, json: options.json });
        return followJob(context, client, uid, { from: options.from ?? 0, cancelOnInterrupt: options.cancelOnInterrupt, output });
      });
    });
}
