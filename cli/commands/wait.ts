import type { Command } from 'commander';
import { callApi } from '../../client/api.js';
import { resolveClientOptions, type ResolvedClientOptions } from '../../client/options.js';
import { ExecStatusResponse, PATHS, Uid } from '../../protocol/index.js';
import { resolveApiConfig } from '../config.js';
import type { CliContext } from '../context.js';
import { writeTo } from '../context.js';
import { UsageError } from '../errors.js';

/** Between two looks at a job's size object: from the first to the longest. */
const FIRST_PAUSE_MS = 200;
const LONGEST_PAUSE_MS = 2_000;
/** Ask the API for fresh URLs this long before the current ones expire. */
const RENEW_BEFORE_MS = 5_000;

/**
 * `aws-exec wait UID...`: waits for jobs to end without reading their logs. It polls: the job
 * end events (webhooks, the project's queue) reach services with a URL or AWS credentials,
 * not a CLI that holds only an API key. Each poll is one GET of the job's `size` object
 * (written last, when the job ends) through the presigned URL `GET /api/exec` hands out,
 * then one API call for the exit code; the API is asked again only when the URL nears expiry.
 */
export function addWaitCommand(program: Command, context: CliContext, run: (work: () => Promise<number>) => Promise<void>): void {
  program
    .command('wait')
    .summary("wait for jobs to end (without their logs); exit with the job's exit code")
    .description(
      "Waits until every job named has ended, without streaming the logs, and exits with the job's exit code; with several jobs, with the first non-zero exit code in the order given (0 when all succeeded). It polls the API (events are for services: see README, \"Job events\").",
    )
    .argument('<uid...>', 'the job uids')
    .option('--json', 'print the jobs as JSON when all have ended: [{"uid","exit"}]')
    .addHelpText('after', '\nExamples:\n  $ aws-exec wait 1700000000.123e4567-e89b-12d3-a456-426614174000; echo $?\n  $ aws-exec wait "$A" "$B" --json')
    .action(async (uids: string[], options: { json?: boolean }, self: Command) => {
      await run(async () => {
        const bad = uids.find((uid) => !Uid.safeParse(uid).success);
        if (bad !== undefined) throw new UsageError(`Expected job uids like 1700000000.<uuid>, got \`${bad}\``);
        const config = resolveApiConfig({ env: context.env, cwd: context.cwd, dataDir: self.optsWithGlobals<{ dataDir?: string }>().dataDir });
        const client = resolveClientOptions({ url: config.url, auth: config.auth });
        const exits = await Promise.all(uids.map((uid) => waitForExit(client, uid)));
        const jobs = uids.map((uid, index) => ({ uid, exit: exits[index] ?? 1 }));
        await writeTo(context.stdout, options.json ? `${JSON.stringify(jobs)}\n` : jobs.map((job) => `${job.uid} exit ${job.exit}\n`).join(''));
        return jobs.find((job) => job.exit !== 0)?.exit ?? 0;
      });
    });
}

/** Resolves with a job's exit code once it has ended. */
export async function waitForExit(client: ResolvedClientOptions, uid: string, signal?: AbortSignal): Promise<number> {
  const ask = (rangeStart: number) => callApi(client, { method: 'GET', path: PATHS.exec, query: { uid, 'range-start': rangeStart }, schema: ExecStatusResponse, signal });
  let urls: Exclude<ExecStatusResponse, { exit: number }> | undefined;
  let pauseMs = FIRST_PAUSE_MS;
  for (;;) {
    if (!urls || (urls['expires-at'] !== undefined && urls['expires-at'] - Date.now() < RENEW_BEFORE_MS)) {
      const answer = await ask(0);
      if ('exit' in answer) return answer.exit;
      urls = answer;
    }
    const size = urls['size-url'] !== undefined ? await readSize(client, urls['size-url'], signal) : await readLogLength(client, urls.url, signal);
    if (size !== undefined) {
      const answer = await ask(size);
      if ('exit' in answer) return answer.exit;
    }
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    pauseMs = Math.min(LONGEST_PAUSE_MS, Math.round(pauseMs * 1.5));
  }
}

/** The size object's decimal, or undefined while it does not exist (403/404: not written yet). */
async function readSize(client: ResolvedClientOptions, url: string, signal: AbortSignal | undefined): Promise<number | undefined> {
  const response = await client.fetch(url, { ...(signal ? { signal } : {}) });
  const text = await response.text();
  if (!response.ok) return undefined;
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
}

/**
 * The log's length so far, from a one-byte read (`Content-Range: bytes 0-0/N`), for a server
 * that hands out only the log URL (the Go backend): the API then answers the exit code when
 * that length is the final size. 0 for an empty log (416).
 */
async function readLogLength(client: ResolvedClientOptions, url: string, signal: AbortSignal | undefined): Promise<number | undefined> {
  const response = await client.fetch(url, { headers: { range: 'bytes=0-0' }, ...(signal ? { signal } : {}) });
  await response.arrayBuffer().catch(() => undefined);
  if (response.status === 416) return 0;
  const total = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1];
  return response.ok && total !== undefined ? Number(total) : undefined;
}
