import type { Command } from 'commander';
import { createCliClient } from '../client.js';
import type { CliContext } from '../context.js';
import { writeTo } from '../context.js';
import { formatJobTable } from '../table.js';
import { parsePositiveInteger } from './exec.js';

/** `aws-exec ls [--limit N] [--json]`: the caller's recent jobs, newest first. */
export function addLsCommand(program: Command, context: CliContext, run: (work: () => Promise<number>) => Promise<void>): void {
  program
    .command('ls')
    .summary('list your recent jobs (uid, status, exit, age, command)')
    .option('--limit <n>', 'how many jobs, newest first (1-1000)', parsePositiveInteger, 20)
    .option('--json', 'print the jobs as JSON instead of a table')
    .option('-q, --quiet', 'print only the uids, one a line')
    .addHelpText('after', '\nExamples:\n  $ aws-exec ls\n  $ aws-exec ls --limit 100 --json\n  $ aws-exec ls -q | head -1 | xargs aws-exec show')
    .action(async (options: { limit: number; json?: boolean; quiet?: boolean }, self: Command) => {
      await run(async () => {
        const { client } = createCliClient(context, self.optsWithGlobals());
        const jobs = await client.list({ limit: options.limit });
        if (options.quiet) {
          await writeTo(context.stdout, jobs.map((job) => `${job.uid}\n`).join(''));
        } else if (options.json) {
          await writeTo(context.stdout, `${JSON.stringify(jobs, null, 2)}\n`);
        } else if (jobs.length === 0) {
          await writeTo(context.stdout, 'no jobs yet\n');
        } else {
          const width = (context.stdout as { columns?: number }).columns ?? 160;
          await writeTo(context.stdout, formatJobTable(jobs, Date.now(), width));
        }
        return 0;
      });
    });
}
