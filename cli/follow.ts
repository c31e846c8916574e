import type { AwsExecClient } from '../client/index.js';
import { say } from './context.js';
import type { CliContext } from './context.js';
import { EXIT_INTERRUPTED } from './errors.js';
import { createLogOutput, type LogOutput } from './log-output.js';
import { askYesNo } from './prompt.js';

/** How `followJob` treats Ctrl-C. */
export interface FollowOptions {
  from?: number;
  /** Cancel the job on Ctrl-C without asking. */
  cancelOnInterrupt?: boolean;
  /** Where the log goes (default: stdout, byte-exact). */
  output?: LogOutput;
}

const INTERRUPTED = Symbol('SIGINT');
const TERMINATED = Symbol('SIGTERM');

/**
 * Streams a job's log to stdout byte-exact and resolves with its exit code. Ctrl-C asks
 * whether to cancel the job (on a terminal), cancels at once with `cancelOnInterrupt`,
 * or else detaches, printing how to resume; a cancelled job is followed to its end (130).
 * SIGTERM always detaches.
 */
export async function followJob(context: CliContext, client: AwsExecClient, uid: string, options: FollowOptions = {}): Promise<number> {
  let offset = options.from ?? 0;
  let cancelled = false;
  const output = options.output ?? createLogOutput(context);
  for (;;) {
    const controller = new AbortController();
    const interrupt = () => controller.abort(INTERRUPTED);
    const terminate = () => controller.abort(TERMINATED);
    context.signals.on('SIGINT', interrupt);
    context.signals.on('SIGTERM', terminate);
    const tail = client.tail(uid, { from: offset, signal: controller.signal });
    try {
      const code = await tail.exit((chunk) => output.write(chunk, tail.offset));
      await output.end(code, tail.offset);
      return code;
    } catch (error) {
      if (error !== INTERRUPTED && error !== TERMINATED) throw error;
    } finally {
      context.signals.off('SIGINT', interrupt);
      context.signals.off('SIGTERM', terminate);
      offset = tail.offset;
    }
    const interrupted = controller.signal.reason === INTERRUPTED;
    if (interrupted && !cancelled && (await shouldCancel(context, uid, options))) {
      cancelled = true;
      const answer = await client.cancel(uid);
      say(context, answer.status === 'cancelling' ? `Cancelling job ${uid}…` : `Job ${uid} had already exited.`);
      continue;
    }
    say(context, `Detached from job ${uid}${cancelled ? '' : ' (still running)'}. Resume with: aws-exec tail ${uid} --from ${offset}`);
    return EXIT_INTERRUPTED;
  }
}

async function shouldCancel(context: CliContext, uid: string, options: FollowOptions): Promise<boolean> {
  if (options.cancelOnInterrupt) return true;
  if (context.stdin.isTTY !== true) return false;
  context.stderr.write('\n');
  return askYesNo(context, `Cancel job ${uid}? [y/N] `);
}
