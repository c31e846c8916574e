import type { Problems } from './errors.js';

/**
 * Variables libaws leaves in place when it reads infra.yaml, to resolve them once it knows
 * them (lib/lambda.go: lambdaEnvVarApiID, lambdaEnvVarWebsocketID; lib/infra.go: InfraParse
 * passes them to resolveEnvVars as `ignore`, lib/iam.go: IamEnsureRoleAllows resolves them
 * in allow lines after the api/websocket trigger set them).
 */
export const DEFERRED_VARIABLES = ['API_ID', 'WEBSOCKET_ID'] as const;

/** The file's text after `${VAR}` substitution, and where each of its characters came from. */
export interface SubstitutedSource {
  readonly text: string;
  /** The 1-based line of the original file that produced the character at `offset` of `text`. */
  lineAt(offset: number): number;
}

// lib/infra.go: resolveEnvVars's regular expression, run over the whole file (comments too).
const VARIABLE = /\$\{[^}]+\}/g;

/**
 * Substitutes `${VAR}` over the whole text as libaws does before parsing YAML
 * (lib/infra.go: resolveEnvVars): each match, in order, replaces the first occurrence of its
 * literal text in the text so far; an unset or empty variable is a problem, except the
 * deferred ones, which stay as they are. Records one problem per missing variable.
 */
export function substituteVariables(original: string, variables: Readonly<Record<string, string>>, problems: Problems): SubstitutedSource {
  const lineOfOriginal = lineFinder(original);
  let text = original;
  // origins[i]: offset in the original text of the character now at i.
  let origins = Int32Array.from({ length: original.length }, (_, i) => i);
  const missing = new Map<string, number[]>();
  for (const match of original.matchAll(VARIABLE)) {
    const literal = match[0];
    const name = literal.slice(2, -1);
    if ((DEFERRED_VARIABLES as readonly string[]).includes(name)) continue;
    const value = variables[name] ?? '';
    if (value === '') {
      const lines = missing.get(name) ?? [];
      lines.push(lineOfOriginal(match.index));
      missing.set(name, lines);
      continue;
    }
    const at = text.indexOf(literal);
    if (at === -1) continue;
    const origin = origins[at] ?? match.index;
    text = text.slice(0, at) + value + text.slice(at + literal.length);
    const next = new Int32Array(origins.length - literal.length + value.length);
    next.set(origins.subarray(0, at), 0);
    next.fill(origin, at, at + value.length);
    next.set(origins.subarray(at + literal.length), at + value.length);
    origins = next;
  }
  for (const [name, lines] of missing) {
    const also = lines.length > 1 ? `; also on line${lines.length > 2 ? 's' : ''} ${lines.slice(1).join(', ')}` : '';
    problems.add(
      lines[0],
      `missing environment variable ${name} (libaws refuses an unset or empty \${VAR}, comments included; set it in env.sh.template or the environment${also})`,
    );
  }
  const finalOrigins = origins;
  return {
    text,
    lineAt: (offset) => lineOfOriginal(finalOrigins[Math.min(Math.max(offset, 0), finalOrigins.length - 1)] ?? original.length),
  };
}

/** A function from an offset of `text` to its 1-based line number. */
export function lineFinder(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
}
