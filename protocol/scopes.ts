import * as z from 'zod/mini';
import { ensureEnglishMessages } from './locale.js';

// What a key may do. A key with no scopes has every right (all keys of a deployment made
// before scopes, and the Go aws-exec's). Otherwise each scope adds rights:
// - `exec`: start any job, a command line (argv) or any registered command;
// - `rpc:NAME[,NAME...]`: start those registered commands only;
// - `read`: follow and list its jobs.
// Every key follows and lists its own jobs; starting needs `exec` or `rpc:NAME`, and so
// does cancelling (one may stop what one may start).

ensureEnglishMessages();

/** The scope that allows any job, command lines included. */
export const EXEC_SCOPE = 'exec';
/** The scope that allows following and listing jobs, nothing else. */
export const READ_SCOPE = 'read';
/** Prefix of the scope that allows the named registered commands: `rpc:listdir,http-check`. */
export const RPC_SCOPE_PREFIX = 'rpc:';

const COMMAND_NAME = '[a-z][a-z0-9-]{0,63}';
const SCOPE = new RegExp(`^(${EXEC_SCOPE}|${READ_SCOPE}|${RPC_SCOPE_PREFIX}${COMMAND_NAME}(,${COMMAND_NAME})*)$`);

/** One scope as written on the command line: `exec`, `read` or `rpc:NAME[,NAME...]`. */
export const Scope = z.string().check(
  z.regex(SCOPE, { error: 'Expected a scope `exec`, `read` or `rpc:NAME[,NAME...]` (registered command names)' }),
);
export type Scope = z.infer<typeof Scope>;

/** A key's rights, parsed from its scopes. */
export interface ScopeSet {
  exec: boolean;
  read: boolean;
  /** The registered commands it may start (all of them when `exec`). */
  rpc: ReadonlySet<string>;
}

/** Parses scopes (each checked with `Scope`) into rights; throws naming the first bad one. */
export function parseScopes(scopes: readonly string[]): ScopeSet {
  const rpc = new Set<string>();
  let exec = false;
  let read = false;
  for (const scope of scopes) {
    if (!z.safeParse(Scope, scope).success) {
      throw new Error(`Expected a scope \`exec\`, \`read\` or \`rpc:NAME[,NAME...]\`, got \`${scope}\``);
    }
    if (scope === EXEC_SCOPE) exec = true;
    else if (scope === READ_SCOPE) read = true;
    else for (const name of scope.slice(RPC_SCOPE_PREFIX.length).split(',')) rpc.add(name);
  }
  return { exec, read, rpc };
}

/** Scopes in their one stored and shown form: `exec`, `read`, then one `rpc:` with the names sorted. */
export function formatScopes(scopes: ScopeSet): string[] {
  const names = [...scopes.rpc].sort();
  return [
    ...(scopes.exec ? [EXEC_SCOPE] : []),
    ...(scopes.read ? [READ_SCOPE] : []),
    ...(names.length > 0 ? [`${RPC_SCOPE_PREFIX}${names.join(',')}`] : []),
  ];
}

/** The scope that allows starting a registered command: `rpc:NAME`. */
export function rpcScope(name: string): string {
  return `${RPC_SCOPE_PREFIX}${name}`;
}

/** Whether rights allow starting the registered command `name`. */
export function mayStartCommand(scopes: ScopeSet | undefined, name: string): boolean {
  return scopes === undefined || scopes.exec || scopes.rpc.has(name);
}

/** Whether rights allow starting command lines (argv), and so reaching everything the job function may. */
export function mayStartArgv(scopes: ScopeSet | undefined): boolean {
  return scopes === undefined || scopes.exec;
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * Parses a duration such as `90s`, `15m`, `1h`, `7d`, `2w` (or plain seconds) into
 * seconds; undefined when it is not one.
 */
export function parseDurationSeconds(text: string): number | undefined {
  const match = /^(\d{1,9})([smhdw]?)$/.exec(text.trim());
  if (!match) return undefined;
  const seconds = Number(match[1]) * (UNITS[match[2] || 's'] ?? 1);
  return seconds > 0 ? seconds : undefined;
}
