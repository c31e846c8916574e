import { parseArgs } from 'node:util';
import type { CliContext } from './context.js';
import { resolveDataDir } from './data-dir.js';

/** The options of `serve --aws-only`. */
export interface AwsOnlyArgs {
  dataDir: string;
  awsPort?: number;
}

const STOP_DEADLINE_MS = 5_000;

/**
 * `aws-exec serve --aws-only`: runs the local AWS endpoint alone until SIGINT/SIGTERM, then
 * closes it (giving up after 5 s with exit status 1). A failure to start (a port in use) is
 * one line on stderr and exit status 1. Imports nothing of the rest of the CLI.
 */
export async function serveAwsOnly(context: Pick<CliContext, 'stdout' | 'stderr' | 'signals'>, args: AwsOnlyArgs): Promise<number> {
  const { startAwsOnly } = await import('../local/aws-only.js');
  let aws: Awaited<ReturnType<typeof startAwsOnly>>;
  try {
    aws = await startAwsOnly({ ...args, log: (line) => context.stdout.write(`${line}\n`) });
  } catch (error) {
    context.stderr.write(`aws-exec: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  await waitForStopSignal(context);
  context.stderr.write('Stopping the local AWS endpoint…\n');
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<'expired'>((resolve) => (timer = setTimeout(() => resolve('expired'), STOP_DEADLINE_MS)));
  const outcome = await Promise.race([aws.close().then(() => 'closed' as const), expired]);
  clearTimeout(timer);
  if (outcome === 'closed') return 0;
  context.stderr.write(`aws-exec: the local AWS endpoint did not stop within ${STOP_DEADLINE_MS / 1000} s; exiting anyway\n`);
  return 1;
}

/**
 * The arguments of `aws-exec [--data-dir DIR] serve --aws-only [--aws-port N] [--data-dir DIR]`
 * when argv holds exactly that, read without commander and the rest of the CLI (see main.ts);
 * undefined for anything else (help, other options, bad values: the full CLI then answers).
 */
export function readAwsOnlyArgs(argv: readonly string[], inputs: { env: { AWS_EXEC_DATA_DIR?: string }; cwd: string }): AwsOnlyArgs | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { 'aws-only': { type: 'boolean' }, 'aws-port': { type: 'string' }, 'data-dir': { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
  } catch {
    return undefined;
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1 || positionals[0] !== 'serve' || values['aws-only'] !== true) return undefined;
  const port = values['aws-port'];
  if (port !== undefined && (!/^\d+$/.test(port) || !Number.isSafeInteger(Number(port)))) return undefined;
  return {
    dataDir: resolveDataDir({ ...inputs, ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}) }),
    ...(port !== undefined ? { awsPort: Number(port) } : {}),
  };
}

/** Resolves on the first SIGINT or SIGTERM (`serve` and `serve --aws-only` both wait with it). */
export function waitForStopSignal(context: Pick<CliContext, 'signals'>): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      context.signals.off('SIGINT', stop);
      context.signals.off('SIGTERM', stop);
      resolve();
    };
    context.signals.on('SIGINT', stop);
    context.signals.on('SIGTERM', stop);
  });
}
