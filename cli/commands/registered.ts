import { Option } from 'commander';
import type { Command as CommanderCommand } from 'commander';
import type { Command as RegisteredCommand } from '../../cmd/define.js';
import { createUnconfinedReach } from '../../cmd/reach.js';
import type { CliContext } from '../context.js';
import { say } from '../context.js';
import { EXIT_FAILURE, EXIT_INTERRUPTED, UsageError } from '../errors.js';
import { addSchemaOptions, collectSchemaArgs, flagOf } from '../schema-options.js';
import type { SchemaOption } from '../schema-options.js';
import { addJobOptions, startAndFollow } from './exec.js';
import type { JobOptions } from './exec.js';

/** Subcommand names the CLI itself uses; a registered command of such a name is reachable through `rpc`. */
export const BUILT_IN_COMMANDS = new Set(['exec', 'rpc', 'tail', 'cancel', 'wait', 'ls', 'show', 'auth', 'serve', 'completion', 'help']);

/**
 * Adds every registered command as its own subcommand, with options generated from its
 * argument schema. It runs in this process by default (output to stdout, its return
 * value the exit status), or as a remote job with --remote.
 */
export function addRegisteredCommands(program: CommanderCommand, context: CliContext, run: (work: () => Promise<number>) => Promise<void>): void {
  const described = new Map(context.registry.describe().map((info) => [info.name, info]));
  for (const registered of context.registry.commands) {
    if (BUILT_IN_COMMANDS.has(registered.name)) {
      say(context, `aws-exec: warning: the registered command \`${registered.name}\` has a built-in's name; run it with \`aws-exec rpc ${registered.name}\``);
      continue;
    }
    const command = program
      .command(registered.name)
      .summary(`${registered.describe} (registered command)`)
      .description(`${registered.describe}\n\nRuns here by default; with --remote it runs as a job and its output streams back.`);
    const schemaOptions = addSchemaOptions(command, described.get(registered.name)?.args ?? {});
    command
      .addOption(new Option('--args <json>', 'all arguments as one JSON object (options given as well override its fields)'))
      .option('--remote', 'run as a remote job instead of in this process');
    addJobOptions(command);
    command.addHelpText('after', buildExamples(registered.name, schemaOptions));
    command.action(async (options: Record<string, unknown> & JobOptions & { remote?: boolean; args?: string }, self: CommanderCommand) => {
      await run(async () => {
        const input = collectSchemaArgs(schemaOptions, options, options.args);
        const parsed = registered.args.safeParse(input);
        if (!parsed.success) throw new UsageError(describeArgIssues(registered.name, schemaOptions, parsed.error.issues));
        if (options.remote) return startAndFollow(context, self.optsWithGlobals(), { rpcName: registered.name, rpcArgs: input }, options);
        if (options.detach || options.timeout !== undefined || options.cancelOnInterrupt || options.json) {
          throw new UsageError('Expected --detach, --timeout, --cancel-on-interrupt and --json only with --remote');
        }
        return runLocally(context, registered, parsed.data);
      });
    });
  }
}

/** Runs a registered command in this process: its log goes to stdout, Ctrl-C aborts its signal (twice: gives up). */
export async function runLocally(context: CliContext, registered: RegisteredCommand, args: unknown): Promise<number> {
  const controller = new AbortController();
  let giveUp: (code: number) => void = () => {};
  const gaveUp = new Promise<number>((resolve) => (giveUp = resolve));
  const interrupt = () => {
    if (controller.signal.aborted) return giveUp(EXIT_INTERRUPTED);
    say(context, `Stopping ${registered.name}… (Ctrl-C again to quit at once)`);
    controller.abort(new Error('interrupted'));
  };
  context.signals.on('SIGINT', interrupt);
  context.signals.on('SIGTERM', interrupt);
  const log = (chunk: string | Uint8Array) => {
    context.stdout.write(chunk);
  };
  try {
    const ran = Promise.resolve().then(() => registered.run(args, { log, signal: controller.signal, cwd: context.cwd, reach: createUnconfinedReach(context.env) }));
    const result = await Promise.race([ran, gaveUp]);
    if (controller.signal.aborted && result === undefined) return EXIT_INTERRUPTED;
    return typeof result === 'number' && Number.isInteger(result) ? result : 0;
  } catch (error) {
    if (controller.signal.aborted) return EXIT_INTERRUPTED;
    say(context, `aws-exec: ${registered.name} failed: ${(error as Error)?.message ?? String(error)}`);
    return EXIT_FAILURE;
  } finally {
    context.signals.off('SIGINT', interrupt);
    context.signals.off('SIGTERM', interrupt);
  }
}

function describeArgIssues(name: string, options: SchemaOption[], issues: readonly { path: readonly PropertyKey[]; message: string; code?: string; keys?: string[] }[]): string {
  const lines = issues.map((issue) => {
    const flag = flagOf(options, issue.path[0]);
    const where = flag ?? (issue.path.length > 0 ? issue.path.join('.') : '');
    const message = issue.code === 'unrecognized_keys' && issue.keys ? describeUnknownKeys(issue.keys) : issue.message;
    return where ? `${where}: ${message}` : message;
  });
  return `Invalid arguments for ${name}: ${lines.join('; ')}`;
}

function describeUnknownKeys(keys: readonly string[]): string {
  return `Unexpected key${keys.length === 1 ? '' : 's'} ${keys.map((key) => `\`${key}\``).join(', ')} in --args (not among the known ones: check the spelling)`;
}

function buildExamples(name: string, options: SchemaOption[]): string {
  const first = options.find((entry) => entry.option.required || entry.option.optional);
  const sample = first === undefined ? '' : ` ${first.option.long} ${first.option.argChoices?.[0] ?? '…'}`;
  return `\nExamples:\n  $ aws-exec ${name}${sample}\n  $ aws-exec ${name}${sample} --remote\n  $ aws-exec ${name} --args '{}' --remote --detach`;
}
