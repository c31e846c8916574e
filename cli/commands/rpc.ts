import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import { addJobOptions, startAndFollow } from './exec.js';
import type { JobOptions } from './exec.js';

/** `aws-exec rpc NAME [JSON]`: runs a registered command by name as a remote job. */
export function addRpcCommand(program: Command, context: CliContext, run: (work: () => Promise<number>) => Promise<void>): void {
  const command = program
    .command('rpc')
    .summary('run a registered command by name as a remote job, with JSON arguments')
    .description("Runs the registered command NAME as a job with JSON arguments (checked against the command's schema before it starts).")
    .argument('<name>', 'the registered command, e.g. listdir')
    .argument('[json]', 'its arguments as a JSON object', '{}')
    .addHelpText(
      'after',
      `
Examples:
  $ aws-exec rpc listdir '{"path": "."}'
  $ aws-exec rpc listdir --detach '{"path": "/tmp"}'`,
    );
  addJobOptions(command).action(async (name: string, json: string, options: JobOptions, self: Command) => {
    await run(async () => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(json);
      } catch {
        throw new UsageError(`Expected the arguments of ${name} to be a JSON object, got \`${json.slice(0, 80)}\` (not JSON)`);
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new UsageError(`Expected the arguments of ${name} to be a JSON object, got \`${json.slice(0, 80)}\``);
      }
      return startAndFollow(context, self.optsWithGlobals(), { rpcName: name, rpcArgs: json }, options);
    });
  });
}
