import type { Command } from 'commander';
import { addAuthCommand } from './commands/auth.js';
import { addCancelCommand } from './commands/cancel.js';
import { addExecCommand } from './commands/exec.js';
import { addLsCommand } from './commands/ls.js';
import { addRegisteredCommands } from './commands/registered.js';
import { addRpcCommand } from './commands/rpc.js';
import { addServeCommand } from './commands/serve.js';
import { addShareCommand } from './commands/share.js';
import { addShowCommand } from './commands/show.js';
import { addCompletionCommand } from './commands/completion.js';
import { addTailCommand } from './commands/tail.js';
import { addWaitCommand } from './commands/wait.js';
import type { CliContext } from './context.js';
import { createBaseProgram, createRunAction, runProgram } from './program-base.js';

const EXAMPLES = `
Examples:
  $ npm start                              # run aws-exec locally (aws-exec serve)
  $ aws-exec exec -- sh -c 'echo hi; exit 3'; echo $?
  $ aws-exec exec --detach -- sleep 600    # prints the job uid
  $ aws-exec tail UID --from 1024
  $ aws-exec tail UID --lines 20 --timestamps
  $ aws-exec show UID
  $ aws-exec ls
  $ aws-exec listdir --path . --remote     # a registered command, as a job
  $ source <(aws-exec completion bash)     # tab completion (also zsh, fish)

Configuration (first match wins):
  --data-dir DIR                the local runtime's DIR/local.json
  PROJECT_URL (or PROJECT_DOMAIN) + AUTH    a deployed aws-exec
  AWS_EXEC_DATA_DIR, then ./.aws-exec       the local runtime's local.json
  auth new/ls/rm use PROJECT_TABLE (or PROJECT_NAME) and the standard AWS settings.

Exit status: the job's exit code; 2 for a usage or configuration error; 1 when
aws-exec itself fails (network, auth, API); 130 after Ctrl-C detached from a job.`;

/** Builds the `aws-exec` program; each action reports its exit status through `setStatus`. */
export function createProgram(context: CliContext, setStatus: (status: number) => void): Command {
  const program = createBaseProgram(context).addHelpText('after', EXAMPLES);
  const run = createRunAction(context, setStatus);
  addExecCommand(program, context, run);
  addRpcCommand(program, context, run);
  addTailCommand(program, context, run);
  addCancelCommand(program, context, run);
  addWaitCommand(program, context, run);
  addLsCommand(program, context, run);
  addShowCommand(program, context, run);
  addAuthCommand(program, context, run);
  addShareCommand(program, context, run);
  addServeCommand(program, context, run);
  addCompletionCommand(program, context, run);
  addRegisteredCommands(program, context, run);
  return program;
}

/** Runs the CLI on `argv` (without node and the script) and resolves with the exit status. */
export function runCli(context: CliContext, argv: string[]): Promise<number> {
  return runProgram(context, argv, (setStatus) => createProgram(context, setStatus));
}
