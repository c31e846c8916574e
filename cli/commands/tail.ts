import type { Command } from 'commander';
import { createCliClient } from '../client.js';
import type { CliContext } from '../context.js';
import { followJob } from '../follow.js';
import { parseNonNegativeInteger } from './exec.js';

/** `aws-exec tail UID [--from N]`: follows a job's log from an offset to its exit. */
export function addTailCommand(program: Command, context: CliContext, run: (work: () => Promise<number>) => Promise<void>): void {
  program
    .command('tail')
    .summary("follow a job's log to its end and exit with its exit code")
    .argument('<uid>', 'the job uid (as `exec --detach` or `ls` print it)')
    .option('--from <bytes>', 'start at this byte offset of the log', parseNonNegativeInteger, 0)
    .option('--cancel-on-interrupt', 'cancel the job on Ctrl-C without asking')
    .addHelpText(
      'after',
      `
Examples:
  $ aws-exec tail 1700000000.123e4567-e89b-12d3-a456-426614174000
  $ aws-exec tail 1700000000.123e4567-e89b-12d3-a456-426614174000 --from 2048`,
    )
    .action(async (uid: string, options: { from: number; cancelOnInterrupt?: boolean }, self: Command) => {
      await run(async () => {
        const { client } = createCliClient(context, self.optsWithGlobals());
        return followJob(context, client, uid, options);
      });
    });
}
