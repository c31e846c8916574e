import type { Command, Reach } from '../../cmd/define.js';
import { describeIssues } from '../issues.js';
import { outcomeOfFailure, outcomeOfThrow, type Outcome } from './outcome.js';

export interface RpcOptions {
  /** rpc-args as a JSON string (the job event's form); absent means `{}`. */
  argsJson: string | undefined;
  log: (chunk: string | Uint8Array) => void;
  signal: AbortSignal;
  /** What the command may reach for the job's caller. */
  reach: Reach;
  /** The job's working directory, the base of the command's relative paths. */
  cwd: string;
  /** After the signal fires, how long the command may take to return before the runner stops waiting. */
  graceMs: number;
}

/**
 * Calls a registered command in-process. Its return value is the exit code (none = 0);
 * a throw is exit 1 with the message. When the signal fires and the command does not
 * return within the grace period, the runner stops waiting (undefined); its later
 * output is ignored and its eventual result or rejection is swallowed.
 */
export async function runRpc(command: Command, options: RpcOptions): Promise<Outcome | undefined> {
  let args: unknown;
  try {
    args = JSON.parse(options.argsJson ?? '{}');
  } catch (error) {
    return outcomeOfFailure(2, `Invalid rpc-args for ${command.name}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = command.args.safeParse(args, { reportInput: true });
  if (!parsed.success) return outcomeOfFailure(2, describeIssues(`rpc-args for ${command.name}`, parsed.error));
  const running = (async () => command.run(parsed.data, { log: options.log, signal: options.signal, cwd: options.cwd, reach: options.reach }))().then(
    (result): Outcome => ({ exit: typeof result === 'number' && Number.isInteger(result) ? result : 0 }),
    (error: unknown): Outcome => outcomeOfThrow(error),
  );
  return Promise.race([running, abandonAfterAbort(options.signal, options.graceMs)]);
}

function abandonAfterAbort(signal: AbortSignal, graceMs: number): Promise<undefined> {
  return new Promise((resolve) => {
    const arm = () => setTimeout(() => resolve(undefined), graceMs).unref();
    if (signal.aborted) arm();
    else signal.addEventListener('abort', arm, { once: true });
  });
}
