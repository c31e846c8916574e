import { AuthError, ApiError, ClientError, NetworkError, ValidationError } from '../client/index.js';
import type { CliContext } from './context.js';
import { ConfigError, EXIT_FAILURE, EXIT_USAGE, UsageError } from './errors.js';

/** Prints an error as one plain line on stderr (a stack only with AWS_EXEC_DEBUG=1) and returns the exit status. */
export function reportError(context: CliContext, error: unknown): number {
  const { message, status } = describeError(error);
  context.stderr.write(`aws-exec: ${message}\n`);
  if (context.env.AWS_EXEC_DEBUG === '1' && error instanceof Error && error.stack) context.stderr.write(`${error.stack}\n`);
  return status;
}

function describeError(error: unknown): { message: string; status: number } {
  if (error instanceof UsageError || error instanceof ConfigError || error instanceof ValidationError) {
    return { message: error.message, status: EXIT_USAGE };
  }
  if (error instanceof AuthError) {
    return { message: `the API refused the auth key (HTTP 401: ${error.message}); check AUTH`, status: EXIT_FAILURE };
  }
  if (error instanceof ApiError) return { message: `HTTP ${error.status}: ${error.message}`, status: EXIT_FAILURE };
  if (error instanceof NetworkError) {
    return { message: `${error.message} (is the API up? for the local runtime, run \`npm start\`)`, status: EXIT_FAILURE };
  }
  if (error instanceof ClientError || error instanceof Error) return { message: error.message, status: EXIT_FAILURE };
  return { message: String(error), status: EXIT_FAILURE };
}
