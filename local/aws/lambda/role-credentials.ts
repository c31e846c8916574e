import type { Credentials } from '../sigv4.js';
import type { ResolvedFunctionConfig } from './config.js';
import { InvalidFunctionConfigError } from './config.js';
import type { ExecutionEnvironment } from './environment.js';
import type { LambdaServiceOptions } from './types.js';

/** The credentials of one execution environment, and when they end (never, for the account's key pair). */
export interface EnvironmentCredentials {
  credentials: Credentials & { sessionToken?: string };
  expiresAtMs?: number;
}

/** What the credentials of execution environments are drawn from. */
export interface CredentialSource {
  /** Refuses a registration whose role the IAM does not know (Lambda: "The role defined for the function cannot be assumed by Lambda"). */
  checkRole(config: ResolvedFunctionConfig): void;
  /** Credentials for a new execution environment of the function. */
  issue(config: ResolvedFunctionConfig): EnvironmentCredentials;
  /**
   * Retires an environment before its credentials end: at `expiresAtMs - retireBeforeExpiryMs`
   * an idle environment is stopped; a busy one makes `retireAll` run, which stops the
   * function's environments as they become idle (new invocations get fresh ones).
   */
  scheduleRetirement(environment: ExecutionEnvironment, expiresAtMs: number, retireAll: () => void): void;
  /** Cancels the pending retirements (the service is closing). */
  close(): void;
}

/**
 * Creates the source of environment credentials: a function with a `role` gets temporary
 * credentials of a session of that role named after the function (as Lambda does:
 * `assumed-role/ROLE/FUNCTION`), lasting `roleSessionSeconds`; one without gets the account's key pair.
 */
export function createCredentialSource(
  options: Pick<LambdaServiceOptions, 'credentials' | 'iam'>,
  timings: { roleSessionSeconds: number; retireBeforeExpiryMs: number },
): CredentialSource {
  const timers = new Set<NodeJS.Timeout>();
  return {
    checkRole(config) {
      if (config.role === undefined) return;
      if (!options.iam) {
        throw new InvalidFunctionConfigError(`Expected a Lambda service with a local IAM to run ${config.name} with role ${config.role}, but it has none`);
      }
      if (!options.iam.hasRole(config.role)) {
        throw new InvalidFunctionConfigError(
          `The role defined for the function cannot be assumed by Lambda: expected a role put with the local IAM's putRole, got ${JSON.stringify(config.role)} (for ${config.name})`,
        );
      }
    },
    issue(config) {
      if (config.role === undefined || !options.iam) return { credentials: options.credentials };
      const issued = options.iam.assumeRole(config.role, config.name, timings.roleSessionSeconds);
      return {
        credentials: { accessKeyId: issued.accessKeyId, secretAccessKey: issued.secretAccessKey, sessionToken: issued.sessionToken },
        expiresAtMs: issued.expiration.getTime(),
      };
    },
    scheduleRetirement(environment, expiresAtMs, retireAll) {
      const timer = setTimeout(
        () => {
          timers.delete(timer);
          if (!environment.alive) return;
          if (environment.load === 0) void environment.kill();
          else retireAll();
        },
        Math.max(0, expiresAtMs - timings.retireBeforeExpiryMs - Date.now()),
      );
      timer.unref();
      timers.add(timer);
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
