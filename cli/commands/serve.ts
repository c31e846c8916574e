import { InvalidArgumentError, type Command } from 'commander';
import { resolveDataDir } from '../data-dir.js';
import type { CliContext } from '../context.js';
import { say } from '../context.js';
import { EXIT_FAILURE, UsageError } from '../errors.js';
import { serveAwsOnly, waitForStopSignal } from '../serve-aws-only.js';
import { parseNonNegativeInteger } from '../integer-option.js';
import type { LatencyProfileName } from '../../local/aws/latency/profile.js';
import { LOCAL_DEFAULTS } from '../../protocol/constants.js';

/** `aws-exec serve`: runs the local runtime until SIGINT/SIGTERM. */
export function addServeCommand(program: Command, context: CliContext, run: (work: () => Promise<number>) => Promise<void>): void {
  program
    .command('serve')
    .summary('run aws-exec on this machine: a local AWS endpoint, the backend and its API (the default way to run)')
    .description(
      'Starts the local runtime: an AWS-compatible endpoint (S3, DynamoDB, Lambda), the backend as a Lambda function and the API gateway. State lives in the data directory (default ./.aws-exec, or AWS_EXEC_DATA_DIR); it writes DIR/local.json, which the CLI reads.',
    )
    .option('--port <n>', `the API port (0 picks a free one; default ${LOCAL_DEFAULTS.apiPort})`, parseNonNegativeInteger)
    .option('--aws-port <n>', `the local AWS endpoint port (0 picks a free one; default ${LOCAL_DEFAULTS.awsPort})`, parseNonNegativeInteger)
    .option('--infra <file>', "the libaws infrastructure file to run (default: the package's infra.yaml)")
    .option('--env-template <file>', "the file of infra.yaml's ${VAR} values (default: env.sh.template beside the infra file)")
    .option('--schedule-every <duration>', 'fire every schedule trigger this often instead of at its declared rate, e.g. 2s or 500ms', parseDurationMs)
    .option('--account-concurrency <n>', "the account's Lambda concurrency quota (default 1000, as on AWS; at least 100)", parseNonNegativeInteger)
    .option('--verbose', 'also print a log line per HTTP request (job start and end lines are printed either way)')
    .option('--aws-only', 'run the local AWS endpoint alone (no gateway, no functions, nothing provisioned); each service loads on its first request')
    .option('--faults <file>', 'inject faults into the local AWS endpoint from this JSON file (or AWS_EXEC_FAULTS); see local/aws/faults/README.md')
    .option(
      '--latency-profile <name>',
      "give each hop the latency it has on AWS (S3, DynamoDB, Lambda, API Gateway): `aws`; see local/aws/latency/README.md",
      parseLatencyProfile,
    )
    .addHelpText(
      'after',
      '\nJobs run in the directory serve was started in (relative paths in jobs start there).\n\nExamples:\n  $ aws-exec serve\n  $ npm start -- --port 9000 --aws-port 0      # through npm: options after --\n  $ aws-exec serve --data-dir /var/lib/aws-exec --port 9000 --aws-port 0 --verbose\n  $ aws-exec serve --infra ./infra.yaml --schedule-every 10s\n  $ aws-exec serve --aws-only --aws-port 4566    # the endpoint alone, for your own AWS clients',
    )
    .action(async (options: ServeOptions, self: Command) => {
      await run(async () => {
        const dataDir = resolveDataDir({ env: context.env, cwd: context.cwd, dataDir: self.optsWithGlobals<{ dataDir?: string }>().dataDir });
        if (options.awsOnly) {
          refuseRuntimeOptions(options);
          return serveAwsOnly(context, { dataDir, ...(options.awsPort !== undefined ? { awsPort: options.awsPort } : {}) });
        }
        // Loaded on demand: the runtime pulls in the AWS SDK and the local endpoint.
        const { startRuntime } = await import('../../local/runtime.js');
        // Local only, not in infra.yaml: jobs run where serve was started (on Lambda, /tmp), and
        // request lines only with --verbose.
        const functionEnv = { JOB_WORKING_DIRECTORY: context.cwd, LOG_REQUESTS: options.verbose ? 'true' : 'false' };
        const faults = await readFaults(options.faults ?? context.env.AWS_EXEC_FAULTS);
        const runtime = await startRuntime({
          dataDir,
          port: options.port,
          awsPort: options.awsPort,
          env: context.env,
          functionEnv,
          ...(options.infra !== undefined ? { infraFile: options.infra } : {}),
          ...(options.envTemplate !== undefined ? { envTemplate: options.envTemplate } : {}),
          ...(options.scheduleEvery !== undefined ? { scheduleEveryMs: options.scheduleEvery } : {}),
          ...(options.accountConcurrency !== undefined ? { accountConcurrency: options.accountConcurrency } : {}),
          ...(faults !== undefined ? { faults } : {}),
          ...(options.latencyProfile !== undefined ? { latencyProfile: options.latencyProfile } : {}),
        }).catch((error: unknown) => {
          throw describePortInUse(error);
        });
        await waitForStopSignal(context);
        say(context, 'Stopping the local runtime… (again to stop at once)');
        return closeWithin(context, runtime, CLOSE_DEADLINE_MS);
      });
    });
}

interface ServeOptions {
  port?: number;
  awsPort?: number;
  infra?: string;
  envTemplate?: string;
  scheduleEvery?: number;
  accountConcurrency?: number;
  verbose?: boolean;
  faults?: string;
  awsOnly?: boolean;
  latencyProfile?: LatencyProfileName;
}

/** `--aws-only` starts no gateway and no functions: the options of those would be ignored, so they are refused. */
function refuseRuntimeOptions(options: ServeOptions): void {
  const given = (['port', 'infra', 'envTemplate', 'scheduleEvery', 'accountConcurrency', 'verbose', 'faults', 'latencyProfile'] as const).filter((name) => options[name] !== undefined);
  if (given.length === 0) return;
  const flags = given.map((name) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
  throw new UsageError(`Expected no gateway or function options with --aws-only (it runs the AWS endpoint alone), got ${flags.join(', ')}`);
}

/** The names of local/aws/latency's profiles, known here without loading the runtime (the type keeps them in step). */
const LATENCY_PROFILE_NAMES: readonly LatencyProfileName[] = ['aws'];

/** `--latency-profile NAME`: one of the profiles of local/aws/latency. */
function parseLatencyProfile(value: string): LatencyProfileName {
  const found = LATENCY_PROFILE_NAMES.find((name) => name === value);
  if (found !== undefined) return found;
  throw new InvalidArgumentError(`Expected a latency profile of ${LATENCY_PROFILE_NAMES.join(', ')}, got \`${value}\`.`);
}

/** Reads `--faults FILE` (or AWS_EXEC_FAULTS); a missing or invalid file is a usage error. */
async function readFaults(file: string | undefined) {
  if (file === undefined || file === '') return undefined;
  const { FaultConfigError, loadFaultConfigFile } = await import('../../local/aws/faults/index.js');
  try {
    return loadFaultConfigFile(file);
  } catch (error) {
    throw error instanceof FaultConfigError ? new UsageError(error.message, { cause: error }) : error;
  }
}

/**
 * How long a stop may take before everything is killed: SIGTERM must end `serve` within
 * 5 s whatever runs (busy workers, a stuck handler, uploads in flight); the last second is
 * for killing and exiting.
 */
const CLOSE_DEADLINE_MS = 4_000;

/** `500ms`, `2s`, `5m`, `1h` → milliseconds (at least 1 ms). */
export function parseDurationMs(value: string): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(value.trim());
  const scale = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
  const ms = match ? Number(match[1]) * scale[match[2] as keyof typeof scale] : Number.NaN;
  if (!Number.isSafeInteger(ms) || ms < 1) throw new InvalidArgumentError(`Expected a duration such as 500ms, 2s, 5m or 1h, got \`${value}\`.`);
  return ms;
}

/**
 * A port that is taken (local/listen.ts says which, with an EADDRINUSE cause) gets the
 * commands that pick others added, through npm too; other errors pass unchanged.
 */
function describePortInUse(error: unknown): unknown {
  const cause = (error as { cause?: { code?: unknown } })?.cause;
  if (!(error instanceof Error) || cause?.code !== 'EADDRINUSE') return error;
  return new UsageError(`${error.message}: e.g. \`aws-exec serve --port 9000 --aws-port 4567\`, or through npm \`npm start -- --port 9000 --aws-port 4567\``, {
    cause: error,
  });
}

/**
 * Closes the runtime, keeping the process alive meanwhile: a close that waits for
 * something without a handle of its own (an unreferenced worker's exit, say) would
 * otherwise let Node end with exit 13 (unsettled top-level await) halfway through.
 * A close that takes longer than the deadline, or a second SIGINT/SIGTERM, kills every
 * execution environment at once (their jobs are then finished, exit 137 with a line,
 * by the next start) and ends with exit status 1.
 */
async function closeWithin(context: CliContext, runtime: { close(): Promise<void>; abort(): void }, deadlineMs: number): Promise<number> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<'expired'>((resolve) => (timer = setTimeout(() => resolve('expired'), deadlineMs)));
  let stopAgain: (() => void) | undefined;
  const again = new Promise<'again'>((resolve) => (stopAgain = () => resolve('again')));
  const onSignal = () => stopAgain?.();
  context.signals.on('SIGINT', onSignal);
  context.signals.on('SIGTERM', onSignal);
  try {
    const outcome = await Promise.race([runtime.close().then(() => 'closed' as const), expired, again]);
    if (outcome === 'closed') return 0;
    runtime.abort();
    say(
      context,
      outcome === 'again'
        ? 'aws-exec: stopped at once; running jobs are finished (exit 137) by the next start'
        : `aws-exec: the local runtime did not stop within ${deadlineMs / 1000} s; killed what still ran (its jobs are finished by the next start)`,
    );
    return EXIT_FAILURE;
  } finally {
    clearTimeout(timer);
    context.signals.off('SIGINT', onSignal);
    context.signals.off('SIGTERM', onSignal);
  }
}
