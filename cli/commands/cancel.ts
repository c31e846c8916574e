import type { Command } from 'commander';
import { createCliClient } from '../client.js';
import type { CliContext } from '../context.js';
import { writeTo } from '../context.js';

/** `aws-exec cancel UID [--json]`: asks a running job to stop (it exits 130). */
export function addCancelCommand(program: Command, context: CliContext, run: (work: () => Promise<number>) => Promise<void>): void {
  program
    .command('cancel')
    .summary('cancel a running job (it exits 130)')
    .argument('<uid>', 'the job uid')
    .option('--json', 'print the answer as JSON: {"uid","status"} (status cancelling or already-exited)')
    .addHelpText('after', '\nExamples:\n  $ aws-exec cancel 1700000000.123e4567-e89b-12d3-a456-426614174000\n  $ aws-exec cancel 1700000000.123e4567-e89b-12d3-a456-426614174000 --json')
    .action(async (uid: string, options: { json?: boolean }, self: Command) => {
      await run(async () => {
        const { client } = createCliClient(context, self.optsWithGlobals());
        const answer = await client.cancel(uid);
        if (options.json) await writeTo(context.stdout, `${JSON.stringify(answer)}\n`);
        else await writeTo(context.stdout, answer.status === 'cancelling' ? `cancelling ${uid}\n` : `${uid} had already exited\n`);
        return 0;
      });
    });
}
