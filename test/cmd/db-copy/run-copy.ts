import { DbCopyArgs } from '../../../cmd/db-copy/args.js';
import { runDbCopy } from '../../../cmd/db-copy/run.js';

/** The outcome of one db-copy run: exit code or error, and the whole log. */
export interface CopyResult {
  exit?: number;
  error?: Error;
  log: string;
}

/** Runs db-copy in-process with its arguments checked by the schema, as the runner does. */
export async function runCopy(input: Record<string, unknown>, options: { env?: NodeJS.ProcessEnv; signal?: AbortSignal; onLog?: (text: string) => void } = {}): Promise<CopyResult> {
  const args = DbCopyArgs.parse(input);
  let log = '';
  try {
    const exit = await runDbCopy(args, {
      log: (chunk) => {
        log += chunk;
        options.onLog?.(log);
      },
      signal: options.signal ?? new AbortController().signal,
      env: options.env ?? {},
    });
    return { exit, log };
  } catch (error) {
    return { error: error as Error, log };
  }
}
