import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { InfraError } from './errors.js';

/** Where infra.yaml's `${VAR}` values come from, weakest first: the template, `env`, `local`. */
export interface InfraVariableSources {
  /** The bash file of `export X=...` lines that bin/ scripts source (env.sh.template, or env.sh). */
  readonly templateFile: string;
  /** The user's environment (e.g. process.env): wins over the template's assignments. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Facts of the local endpoint (account, region, image digest): win over everything. */
  readonly local?: Readonly<Record<string, string>>;
}

const SOURCE_TIMEOUT_MS = 30_000;

// Sources the template (its output to stderr, so that only the dump reaches stdout), then
// dumps the exported environment NUL-separated; `builtin`/`command` so that exported shell
// functions cannot stand in for either.
const SCRIPT = 'builtin source "$1" >&2 || { status=$?; echo "sourcing it exited with status $status" >&2; exit 1; }; command env -0';

// Variables that make bash run or change things before the template: not passed to it.
const BASH_STARTUP = ['BASH_ENV', 'ENV', 'SHELLOPTS', 'BASHOPTS'];

/**
 * The variables libaws would see: the template sourced in a clean bash whose environment is
 * `env` overlaid by `local` (so `${X:-$(command)}` never runs its command when `local` or `env`
 * gives X), then `env` over the result, then `local` over everything.
 * Throws InfraError naming the template and bash's stderr when it cannot be sourced.
 */
export function resolveInfraVariables(sources: InfraVariableSources): Record<string, string> {
  const { templateFile } = sources;
  const env = definedOnly(sources.env);
  const local = { ...sources.local };
  if (!existsSync(templateFile)) throw new InfraError([{ file: templateFile, message: 'the env template does not exist' }]);
  const result = spawnSync('bash', ['--noprofile', '--norc', '-c', SCRIPT, 'bash', templateFile], {
    env: Object.fromEntries(Object.entries({ ...env, ...local }).filter(([name]) => !BASH_STARTUP.includes(name))),
    cwd: dirname(templateFile),
    encoding: 'buffer',
    timeout: SOURCE_TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
  });
  const stderr = result.stderr?.toString('utf8').trim() ?? '';
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : result.signal ? `killed by ${result.signal}` : `exit status ${String(result.status)}`;
    throw new InfraError([{ file: templateFile, message: `bash could not source it (${why})${stderr ? `: ${stderr}` : ''}` }], { cause: result.error });
  }
  return { ...parseEnvDump(result.stdout), ...env, ...local };
}

function definedOnly(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** Parses `env -0` output: NUL-terminated NAME=VALUE entries. */
function parseEnvDump(dump: Buffer): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const entry of dump.toString('utf8').split('\0')) {
    const at = entry.indexOf('=');
    if (at > 0) variables[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return variables;
}
