import type { Command } from '../../cmd/define.js';
import type { CommandRegistry } from '../../cmd/registry.js';
import type { ExecRequest, PushUrls } from '../../protocol/index.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import { describeIssues } from '../issues.js';

/** A request checked in full: what the runner will run, nothing left to fail on. */
export type CheckedJob = {
  timeout?: number;
  pushUrls?: PushUrls;
  /** Started by a key without the `exec` scope: its command runs confined (JobEvent `confined`). */
  confined?: boolean;
} & ({ argv: string[] } | { rpcName: string; rpcArgsJson: string });

/**
 * Checks a parsed `POST /api/exec` body before anything starts: the rpc-name must be
 * registered (404), rpc-args must be JSON (a string, as the Go client sends) or an object,
 * and must pass the command's schema (400 naming each issue); the timeout may not exceed
 * the function's own.
 */
export function checkExecRequest(request: ExecRequest, registry: CommandRegistry, functionTimeoutSeconds: number): CheckedJob {
  if (request.timeout !== undefined && request.timeout > functionTimeoutSeconds) {
    throw new BadRequestError(
      `Expected timeout to be at most ${functionTimeoutSeconds} seconds (the function's timeout), got ${request.timeout}`,
    );
  }
  const common = {
    ...(request.timeout !== undefined ? { timeout: request.timeout } : {}),
    ...(request['push-urls'] ? { pushUrls: request['push-urls'] } : {}),
  };
  if (request.argv) return { ...common, argv: request.argv };
  const name = request['rpc-name'] ?? '';
  const command = registry.find(name);
  if (!command) {
    const known = registry.commands.map((entry) => entry.name).join(', ');
    throw new NotFoundError(`Expected rpc-name to be a registered command (${known}), got \`${name}\``);
  }
  return { ...common, rpcName: name, rpcArgsJson: checkRpcArgs(command, request['rpc-args']) };
}

function checkRpcArgs(command: Command, raw: string | Record<string, unknown> | undefined): string {
  let args: unknown = raw ?? {};
  if (typeof raw === 'string') {
    try {
      args = JSON.parse(raw);
    } catch (error) {
      throw new BadRequestError(`Expected rpc-args to be a JSON object (as a string or an object): ${messageOf(error)}`, { cause: error });
    }
  }
  const checked = command.args.safeParse(args, { reportInput: true });
  if (!checked.success) throw new BadRequestError(describeIssues(`rpc-args for ${command.name}`, checked.error));
  return JSON.stringify(args);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
