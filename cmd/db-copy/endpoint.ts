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
}

const URL_SCHEME = /^postgres(ql)?:\/\//i;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Resolves a `source`/`target` argument: a postgres:// URL, or the name of an environment variable holding one. */
export function resolveEndpoint(role: Endpoint['role'], value: string, env: NodeJS.ProcessEnv): Endpoint {
  let text = value;
  if (!URL_SCHEME.test(value)) {
    if (!ENV_NAME.test(value)) {
      throw new DbCopyError(`Expected \`${role}\` to be a postgres:// URL or the name of an environment variable holding one, got \`${redactLoose(value)}\``);
    }
    const fromEnv = env[value];
    if (fromEnv === undefined || fromEnv === '') throw new DbCopyError(`Expected environment variable ${value} (the ${role}) to hold a postgres:// URL, got nothing`);
    if (!URL_SCHEME.test(fromEnv)) throw new DbCopyError(`Expected environment variable ${value} (the ${role}) to hold a postgres:// URL, got \`${redactLoose(fromEnv)}\``);
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
  return { role, url: text, password, display: shown.toString(), withoutPassword: bare.toString() };
}

/** Environment for pg_dump/psql: the password travels in PGPASSWORD, never on a command line. */
export function clientToolEnv(endpoint: Endpoint, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const result: NodeJS.ProcessEnv = { ...env, PGAPPNAME: 'db-copy', PGCONNECT_TIMEOUT: env.PGCONNECT_TIMEOUT ?? '15' };
  delete result.PGPASSWORD;
  if (endpoint.password !== undefined) result.PGPASSWORD = endpoint.password;
  return result;
}

/** Hides whatever follows `:` up to `@` in something that looked like a URL but did not parse. */
function redactLoose(text: string): string {
  return text.replace(/:[^:@/]*@/g, ':***@').slice(0, 200);
}
