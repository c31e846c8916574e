import type { Command } from 'commander';
import { NotFoundError, type JobSummary } from '../../client/index.js';
import { createCliClient } from '../client.js';
import type { CliContext } from '../context.js';
import { say, writeTo } from '../context.js';
import { EXIT_FAILURE, UsageError } from '../errors.js';
import { jobPageUrl } from '../job-link.js';
import { formatAge, formatJobCommand } from '../table.js';
import { Uid } from '../../protocol/index.js';

/** `aws-exec show UID [--json]`: one job's status, command, times, exit code, log size and page. */
export function addShowCommand(program: Command, context: CliContext, run: (work: () => Promise<number>) => Promise<void>): void {
  program
    .command('show')
    .summary("show one job: status, command, start, duration, exit code, log size and its page's URL")
    .argument('<uid>', 'the job uid')
    .option('--json', 'print the job as JSON (the fields of `ls --json`, and "url")')
    .addHelpText('after', '\nExamples:\n  $ aws-exec show 1700000000.123e4567-e89b-12d3-a456-426614174000\n  $ aws-exec show 1700000000.123e4567-e89b-12d3-a456-426614174000 --json | jq .exit')
    .action(async (uid: string, options: { json?: boolean }, self: Command) => {
      await run(async () => {
        if (!Uid.safeParse(uid).success) throw new UsageError(`Expected a job uid like \`1700000000.<uuid>\`, got \`${uid}\``);
        const { client, config } = createCliClient(context, self.optsWithGlobals());
        const job = await client.summary(uid).catch((error: unknown) => {
          if (error instanceof NotFoundError) return undefined;
          throw error;
        });
        if (job === undefined) {
          say(context, `aws-exec: no job ${uid} among your jobs (unknown, expired, or another key's)`);
          return EXIT_FAILURE;
        }
        const url = jobPageUrl(config.url, uid);
        await writeTo(context.stdout, options.json ? `${JSON.stringify({ ...job, url }, null, 2)}\n` : formatJob(job, url, Date.now()));
        return 0;
      });
    });
}

/** A job as aligned `name  value` lines. */
export function formatJob(job: JobSummary, url: string, now: number): string {
  const ended = job['ended-at'];
  const status = job.status === 'exited' ? `exited, exit ${job.exit ?? '?'}` : job['cancel-requested'] ? `${job.status}, cancelling` : job.status;
  const rows: [string, string][] = [
    ['uid', job.uid],
    ['status', status],
    ['command', formatJobCommand(job)],
    ['started', `${new Date(job['started-at']).toISOString()} (${formatAge(now - job['started-at'])} ago)`],
    ...(ended !== undefined ? [['ended', `${new Date(ended).toISOString()} (ran ${((ended - job['started-at']) / 1000).toFixed(1)} s)`] as [string, string]] : []),
    ...(job.size !== undefined ? [['log', `${job.size} bytes`] as [string, string]] : []),
    ['page', url],
  ];
  return rows.map(([name, value]) => `${name.padEnd(8)} ${value}`).join('\n') + '\n';
}
