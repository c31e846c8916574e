import { CommandRegistry } from '../cmd/registry.js';
import { addServeCommand } from './commands/serve.js';
import type { CliContext } from './context.js';
import { createBaseProgram, createRunAction, runProgram } from './program-base.js';

/**
 * Runs `aws-exec ... serve ...` with a program of that one command, parsed and reported as
 * the full CLI does it: the other commands, the client and the registered commands (pg for
 * db-copy, their schemas) never load into the long-lived runtime (README, "Memory").
 */
export function runServeCli(context: Omit<CliContext, 'registry'>, argv: string[]): Promise<number> {
  const serveContext: CliContext = { ...context, registry: new CommandRegistry([]) };
  return runProgram(serveContext, argv, (setStatus) => {
    const program = createBaseProgram(serveContext);
    addServeCommand(program, serveContext, createRunAction(serveContext, setStatus));
    return program;
  });
}
