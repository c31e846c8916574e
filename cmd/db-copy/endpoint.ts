import { DbCopyError } from './errors.js';

/** A resolved database to read from or write to. */
export interface Endpoint {
  role: 'source' | 'target';
  /** The full connection URL, password included: never print it. */
  url: string;
  password: string | undefined;
  /** The URL with its password replaced by `***`, for logs and errors. */
  display: string;
  /** The same URL without its password, for the client tools (the password goes in PGPASSWORD). */
  withoutPassword: string;
  /** The environment the client tools run with (PGPASSWORD added by clientToolEnv). */
  env: Readonly<Record<string, string | undefined>>;
}

const URL_SCHEME = /^postgres(ql)?:\/\//i;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Resolves a `source`/`target` argument: a postgres:// URL, or the name of an environment
 * variable holding one. With `namedOnly` (a confined caller) only a name is accepted, of a
 * variable `env` holds: such a caller reaches only the databases the deployment named.
 */
export function resolveEndpoint(role: Endpoint['role'], value: string, env: Readonly<Record<string, string | undefined>>, namedOnly = false): Endpoint {
  let text = value;
  if (namedOnly && (URL_SCHEME.test(value) || !ENV_NAME.test(value) || env[value] === undefined)) {
    throw new DbCopyError(
      `Expected \`${role}\` to name one of the environment variables a key without the exec scope may use (RPC_ENV: ${Object.keys(env).filter((name) => ENV_NAME.test(name) && URL_SCHEME.test(env[name] ?? '')).join(', ') || 'none holds a postgres:// URL'}), got \`${redactLoose(value)}\``,
    );
  }
  if (!URL_SCHEME.test(value)) {
    if (!ENV_NAME.test(value)) {
      throw new DbCopyError(`Expected \`${role}\` to be a postgres:// URL or the name of an environment variable holding one, got \`${redactLoose(value)}\``);
    }
    const fromEnv = env[value];
    if (fromEnv === undefined || fromEnv === '') throw new DbCopyError(`Expected environment variable ${value} (the ${role}) to hold a postgres:// URL, got nothing`);
    // Its value is not shown: a variable named by mistake may hold another secret.
    if (!URL_SCHEME.test(fromEnv)) throw new DbCopyError(`Expected environment variable ${value} (the ${role}) to hold a postgres:// URL, got a value that is not one (not shown)`);
    text = fromEnv;
  }
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch (error) {
    throw new DbCopyError(`Expected \`${role}\` to be a valid postgres:// URL, got \`${redactLoose(text)}\``, { cause: error });
  }
  const password = parsed.password === '' ? undefined : decodeURIComponent(parsed.password);
  const bare = new URL(text);
  bare.password = '';
  const shown = new URL(text);
  if (password !== undefined) shown.password = '***';
  return { role, url: text, password, display: shown.toString(), withoutPassword: bare.toString(), env };
}

/** Environment for pg_dump/psql: the endpoint's, with the password in PGPASSWORD, never on a command line. */
export function clientToolEnv(endpoint: Endpoint): NodeJS.ProcessEnv {
  const env = endpoint.env;
  const result: NodeJS.ProcessEnv = { ...env, PGAPPNAME: 'db-copy', PGCONNECT_TIMEOUT: env.PGCONNECT_TIMEOUT ?? '15' };
  delete result.PGPASSWORD;
  if (endpoint.password !== undefined) result.PGPASSWORD = endpoint.password;
  return result;
}

/** Hides whatever follows `:` up to `@` in something that looked like a URL but did not parse. */
function redactLoose(text: string): string {
  return text.replace(/:[^:@/]*@/g, ':***@').slice(0, 200);
}
