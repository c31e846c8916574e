import { AuthError, ApiError, ClientError, NetworkError, ValidationError } from '../client/index.js';
import { findUsedConfig } from './client.js';
import type { ApiConfig } from './config.js';
import type { CliContext } from './context.js';
import { ConfigError, EXIT_FAILURE, EXIT_USAGE, UsageError } from './errors.js';

/** Prints an error as one plain line on stderr (a stack only with AWS_EXEC_DEBUG=1) and returns the exit status. */
export function reportError(context: CliContext, error: unknown): number {
  const { message, status } = describeError(error, findUsedConfig(context));
  context.stderr.write(`aws-exec: ${message}\n`);
  if (context.env.AWS_EXEC_DEBUG === '1' && error instanceof Error && error.stack) context.stderr.write(`${error.stack}\n`);
  return status;
}

function describeError(error: unknown, config: ApiConfig | undefined): { message: string; status: number } {
  if (error instanceof UsageError || error instanceof ConfigError || error instanceof ValidationError) {
    return { message: error.message, status: EXIT_USAGE };
  }
  if (error instanceof AuthError) {
    return { message: `the API refused the auth key (HTTP 401: ${error.message}); check AUTH`, status: EXIT_FAILURE };
  }
  if (error instanceof ApiError) return { message: `HTTP ${error.status}: ${error.message}`, status: EXIT_FAILURE };
  if (error instanceof NetworkError) return { message: describeUnreachable(error, config), status: EXIT_FAILURE };
  if (error instanceof ClientError || error instanceof Error) return { message: error.message, status: EXIT_FAILURE };
  return { message: String(error), status: EXIT_FAILURE };
}

/**
 * Why the API could not be reached, and what to do: a local runtime that is not running
 * (connection refused on local.json's URL), a host that does not resolve, a network that
 * does not route; else the client's own message with a hint.
 */
function describeUnreachable(error: NetworkError, config: ApiConfig | undefined): string {
  const url = config?.url ?? 'the API';
  if (error.code === 'ECONNREFUSED') {
    if (config?.local) return `nothing answers at ${url} (connection refused): the local runtime of ${config.source} is not running. Start it with \`npm start\` (or \`aws-exec serve\`) and try again`;
    return `nothing answers at ${url} (connection refused): is the API up, and is ${config?.source === 'environment' ? 'PROJECT_URL' : 'the URL'} right?`;
  }
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') return `cannot find the host of ${url} (${error.code}): check PROJECT_URL or PROJECT_DOMAIN, and your DNS`;
  if (error.code === 'ETIMEDOUT' || error.code === 'EHOSTUNREACH' || error.code === 'ENETUNREACH' || error.code === 'UND_ERR_CONNECT_TIMEOUT') {
    return `cannot reach ${url} (${error.code}): check the URL, your network and any firewall or VPN between them`;
  }
  return `${error.message} (is the API up at ${url}? for the local runtime, run \`npm start\`)`;
}
