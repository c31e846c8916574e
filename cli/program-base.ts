import { Command, CommanderError, Option } from 'commander';
import type { CliContext } from './context.js';
import { EXIT_USAGE } from './errors.js';
import { readCliVersion } from './version.js';

/** What each command's action runs in: it records the work's exit status, or reports its error. */
export type RunAction = (work: () => Promise<number>) => Promise<void>;

/**
 * The `aws-exec` program without its subcommands: name, version, the global `--data-dir`,
 * where it writes, and errors thrown instead of exiting. Each caller adds its commands.
 */
export function createBaseProgram(context: CliContext): Command {
  return new Command('aws-exec')
    .description('Start commands as jobs on AWS Lambda (or this machine), tail their logs live, get their real exit codes.')
    .version(readCliVersion(), '-V, --version', 'print the version of aws-exec')
    .addOption(new Option('--data-dir <dir>', "the local runtime's data directory (holds local.json)"))
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
    })
    .exitOverride();
}

/** The RunAction of a program whose actions report their exit status through `setStatus`. */
export function createRunAction(context: CliContext, setStatus: (status: number) => void): RunAction {
  return async (work) => {
    try {
      setStatus(await work());
    } catch (error) {
      setStatus(await reportErrorOnce(context, error));
    }
  };
}

/** Parses `argv` (without node and the script) with a program built by `build`, and resolves with the exit status. */
export async function runProgram(context: CliContext, argv: string[], build: (setStatus: (status: number) => void) => Command): Promise<number> {
  let status = 0;
  const program = build((value) => (status = value));
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
    return reportErrorOnce(context, error);
  }
  return status;
}

/** Reports an error (./report.ts); loaded when the first error comes, since it brings the client's error classes. */
async function reportErrorOnce(context: CliContext, error: unknown): Promise<number> {
  const { reportError } = await import('./report.js');
  return reportError(context, error);
}
