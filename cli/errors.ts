/** Exit status of a usage or configuration error (as commander's own usage errors). */
export const EXIT_USAGE = 2;

/** Exit status of a failure of aws-exec itself (network, auth, API), and of a command that threw. */
export const EXIT_FAILURE = 1;

/** Exit status after Ctrl-C detached from a job (as a shell reports SIGINT). */
export const EXIT_INTERRUPTED = 130;

/** A mistake in how the CLI was called: printed without a stack, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Missing or malformed configuration: the message says exactly what to set; exit status 2. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
