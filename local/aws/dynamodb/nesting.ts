/** DynamoDB accepts attribute values nested 31 List/Map wrappers deep above a scalar, and refuses 32. */
const MAX_WRAPPERS = 31;

/** DynamoDB's wording for a value nested too deeply. */
export const NESTING_MESSAGE =
  'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit';

/**
 * Whether a request body holds an attribute value nested deeper than DynamoDB allows.
 * The engine does not check this, and its recursive validation overflows the stack on a
 * value nested a few thousand levels deep; this walk is iterative (an explicit stack),
 * so any depth the JSON parser accepted is measured safely.
 */
export function isNestedTooDeeply(body: unknown): boolean {
  const pending: [node: unknown, wrappers: number][] = [[body, 0]];
  while (pending.length > 0) {
    const [node, wrappers] = pending.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      for (const child of node) pending.push([child, wrappers]);
      continue;
    }
    const keys = Object.keys(node);
    // An attribute value is an object with a single type key; L and M wrap further values.
    const wraps = keys.length === 1 && (keys[0] === 'L' || keys[0] === 'M');
    const depth = wraps ? wrappers + 1 : wrappers;
    if (depth > MAX_WRAPPERS) return true;
    for (const key of keys) pending.push([(node as Record<string, unknown>)[key], depth]);
  }
  return false;
}
