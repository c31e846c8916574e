import { InvalidArgumentError, type Command } from 'commander';
import type { AwsExecClient, JobStatus, JobSummary } from '../../client/index.js';
import { ListCursor, ListStatusFilter } from '../../protocol/index.js';
import { createCliClient } from '../client.js';
import type { CliContext } from '../context.js';
import { say, writeTo } from '../context.js';
import { formatJobTable } from '../table.js';

/** Most jobs the API answers in one page (`GET /api/jobs?limit=`). */
const MAX_PAGE = 1000;
/** The page size of `--all` when `--limit` is not given: few round trips, rows still streamed page by page. */
const ALL_PAGE = 200;
/** Column widths of a streamed table (`--all`): a uid's 47 characters, `cancelling`, an exit code, `999d`. */
const STREAM_WIDTHS = [47, 10, 4, 4];

interface LsOptions {
  limit?: number;
  status?: JobStatus[];
  cursor?: string;
  all?: boolean;
  json?: boolean;
  quiet?: boolean;
}

/** `aws-exec ls [--limit N] [--status S,...] [--cursor C | --all] [--json | -q]`: the caller's jobs, newest first, a page or all of them. */
export function addLsCommand(program: Command, context: CliContext, run: (work: () => Promise<number>) => Promise<void>): void {
  program
    .command('ls')
    .summary('list your recent jobs (uid, status, exit, age, command)')
    .option('--limit <n>', `how many jobs, newest first (1-${MAX_PAGE}; default 20); with --all, how many each request asks for (default ${ALL_PAGE})`, parseLimit)
    .option('--status <list>', 'only jobs of these statuses: queued, running, exited, separated by commas', parseStatuses)
    .option('--cursor <next>', 'the page after an earlier one: its "next" (from --json, or the hint on stderr), with the same --status', parseCursor)
    .option('--all', 'follow the pages to the oldest job, printing each page as it comes')
    .option('--json', 'print the page as JSON, {"jobs": [...], "next"} (next: absent on the last page); with --all, one job per line')
    .option('-q, --quiet', 'print only the uids, one a line')
    .addHelpText(
      'after',
      '\nExamples:\n  $ aws-exec ls\n  $ aws-exec ls --status queued,running\n  $ aws-exec ls --limit 100 --json\n' +
        '  $ aws-exec ls --all --status exited --json | jq -c \'select(.exit != 0)\'\n  $ aws-exec ls -q | head -1 | xargs aws-exec show',
    )
    .action(async (options: LsOptions, self: Command) => {
      await run(async () => {
        const { client } = createCliClient(context, self.optsWithGlobals());
        if (options.all) await printAllPages(context, client, options);
        else await printPage(context, client, options);
        return 0;
      });
    });
}

/** One page: a table (with a hint on stderr when more follow), uids, or the API's answer as JSON. */
async function printPage(context: CliContext, client: AwsExecClient, options: LsOptions): Promise<void> {
  const page = await client.listPage({ limit: options.limit ?? 20, ...filterOf(options), ...(options.cursor ? { cursor: options.cursor } : {}) });
  if (options.quiet) return writeTo(context.stdout, page.jobs.map((job) => `${job.uid}\n`).join(''));
  if (options.json) return writeTo(context.stdout, `${JSON.stringify(page, null, 2)}\n`);
  if (page.jobs.length === 0) return writeTo(context.stdout, `${describeNone(options)}\n`);
  await writeTo(context.stdout, formatJobTable(page.jobs, Date.now(), widthOf(context)));
  if (page.next !== undefined) {
    const status = options.status ? ` --status ${options.status.join(',')}` : '';
    say(context, `aws-exec: more jobs follow: \`aws-exec ls${status} --cursor ${page.next}\` for the next page, --all for every one`);
  }
}

/** Every page from the newest (or --cursor) to the oldest, each printed as it arrives. */
async function printAllPages(context: CliContext, client: AwsExecClient, options: LsOptions): Promise<void> {
  let cursor = options.cursor;
  let printed = 0;
  do {
    const page = await client.listPage({ limit: options.limit ?? ALL_PAGE, ...filterOf(options), ...(cursor ? { cursor } : {}) });
    await writeTo(context.stdout, formatRows(context, page.jobs, options, printed === 0));
    printed += page.jobs.length;
    cursor = page.next;
  } while (cursor !== undefined);
  if (printed === 0 && !options.json && !options.quiet) await writeTo(context.stdout, `${describeNone(options)}\n`);
}

/** A page's rows in the output's format: uids, JSON lines, or table rows (with the header before the first). */
function formatRows(context: CliContext, jobs: JobSummary[], options: LsOptions, first: boolean): string {
  if (options.quiet) return jobs.map((job) => `${job.uid}\n`).join('');
  if (options.json) return jobs.map((job) => `${JSON.stringify(job)}\n`).join('');
  if (jobs.length === 0) return '';
  return formatJobTable(jobs, Date.now(), widthOf(context), { header: first, minWidths: STREAM_WIDTHS });
}

function filterOf(options: LsOptions): { status?: JobStatus[] } {
  return options.status ? { status: options.status } : {};
}

function describeNone(options: LsOptions): string {
  if (options.cursor) return 'no more jobs';
  return options.status ? `no ${options.status.join(' or ')} jobs` : 'no jobs yet';
}

function widthOf(context: CliContext): number {
  return (context.stdout as { columns?: number }).columns ?? 160;
}

/** Parses `--limit`: an integer the API accepts as a page size. */
function parseLimit(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_PAGE) throw new InvalidArgumentError(`Expected an integer from 1 to ${MAX_PAGE}, got \`${value}\`.`);
  return Number(value);
}

/** Parses `--status`: one or more job statuses separated by commas. */
function parseStatuses(value: string): JobStatus[] {
  const parsed = ListStatusFilter.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`Expected one or more of queued, running, exited separated by commas, got \`${value}\`.`);
  return parsed.data;
}

/** Parses `--cursor`: the `next` of an earlier page, as the API hands it out. */
function parseCursor(value: string): string {
  if (!ListCursor.safeParse(value).success) throw new InvalidArgumentError(`Expected the "next" of an earlier page (letters, digits, _ . -), got \`${value.slice(0, 100)}\`.`);
  return value;
}
