import { isAlias, isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import type { Problems } from './errors.js';

/** What a section parser needs: where problems go, and the file line of any YAML node. */
export interface Walk {
  readonly problems: Problems;
  readonly doc: Document;
  /** 1-based line in the original file of a node (after aliases are followed), or `fallback` when it has none. */
  lineOf(node: unknown, fallback: number): number;
}

/** A string value with the file line it came from. */
export interface Located {
  readonly value: string;
  readonly line: number;
}

/** One `key: value` of a mapping whose key is a string. */
export interface Entry {
  readonly key: string;
  readonly line: number;
  readonly value: Node | null;
}

/** Follows an alias to the node it names; other nodes come back as they are. */
export function resolveNode(walk: Walk, node: unknown): Node | null {
  if (isAlias(node)) return (node.resolve(walk.doc) as Node | undefined) ?? null;
  return (node as Node | null | undefined) ?? null;
}

/** How a node reads in a message: `a mapping`, `a list`, `the number 5`, `null (an empty value)`. */
export function describeNode(node: Node | null): string {
  if (node === null || (isScalar(node) && node.value === null)) return 'null (an empty value)';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const value = node.value;
    if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
    if (typeof value === 'number' || typeof value === 'bigint') return `the number ${String(value)}`;
    if (typeof value === 'boolean') return `the boolean ${String(value)}`;
    return `the value ${String(value)}`;
  }
  return 'something else';
}

/**
 * The string-keyed entries of a mapping, or undefined (with a problem) when the node is not a
 * mapping. libaws decodes each section into Go's map[string]any, so a key must be a YAML
 * string (a number or boolean key makes yaml.v3 build a map[any]any, which libaws refuses).
 */
export function readEntries(walk: Walk, node: unknown, line: number, what: string, expected: string): Entry[] | undefined {
  const resolved = resolveNode(walk, node);
  if (!isMap(resolved)) {
    walk.problems.add(walk.lineOf(resolved, line), `${what} should be ${expected}, got ${describeNode(resolved)}`);
    return undefined;
  }
  const entries: Entry[] = [];
  for (const pair of resolved.items) {
    const key = resolveNode(walk, pair.key);
    const keyLine = walk.lineOf(key, line);
    if (!isScalar(key) || typeof key.value !== 'string') {
      walk.problems.add(keyLine, `${what}: a key should be a string, got ${describeNode(key)} (quote it)`);
      continue;
    }
    if (key.value === '<<') {
      walk.problems.add(keyLine, `${what}: merge keys (<<) are not supported here; write the keys out`);
      continue;
    }
    entries.push({ key: key.value, line: keyLine, value: resolveNode(walk, pair.value) });
  }
  return entries;
}

/** A string scalar, or undefined (with a problem) for anything else. */
export function readString(walk: Walk, node: Node | null, line: number, what: string): string | undefined {
  if (isScalar(node) && typeof node.value === 'string') return node.value;
  walk.problems.add(walk.lineOf(node, line), `${what} should be a string, got ${describeNode(node)}`);
  return undefined;
}

/** A list of strings with their lines (libaws: []string), or undefined (with a problem) when it is not one. */
export function readStringList(walk: Walk, node: Node | null, line: number, what: string): Located[] | undefined {
  if (!isSeq(node)) {
    walk.problems.add(walk.lineOf(node, line), `${what} should be a list of strings, got ${describeNode(node)}`);
    return undefined;
  }
  const items: Located[] = [];
  let ok = true;
  for (const item of node.items) {
    const resolved = resolveNode(walk, item);
    const itemLine = walk.lineOf(resolved, line);
    if (isScalar(resolved) && typeof resolved.value === 'string') {
      items.push({ value: resolved.value, line: itemLine });
    } else {
      walk.problems.add(itemLine, `${what} should be a list of strings, got an item that is ${describeNode(resolved)}`);
      ok = false;
    }
  }
  return ok ? items : undefined;
}

/** Go's strconv.Atoi (libaws's IsDigit and Atoi, lib/lib.go): an optional sign and decimal digits, within int64. */
export function parseGoInt(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const value = BigInt(text);
  if (value > 9223372036854775807n || value < -9223372036854775808n) return undefined;
  return Number(value);
}

/** libaws's SplitOnce (lib/lib.go): the text before and after the first `sep`, or undefined without one. */
export function splitOnce(text: string, sep: string): [string, string] | undefined {
  const at = text.indexOf(sep);
  return at === -1 ? undefined : [text.slice(0, at), text.slice(at + sep.length)];
}

/** Reports a single-valued attribute given twice (libaws silently keeps the last). */
export function checkOnce(walk: Walk, seen: Map<string, number>, name: string, line: number, what: string): void {
  const first = seen.get(name);
  if (first !== undefined) walk.problems.add(line, `${what} ${name} is given twice (also on line ${first}); libaws would silently keep the last`);
  else seen.set(name, line);
}
