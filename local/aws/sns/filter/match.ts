import { isIP } from 'node:net';
import type { Condition, FilterPolicy, Literal, Rule } from './policy.js';

/** A message attribute as published (validated: see ../message-input.ts). */
export interface PublishedAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

/**
 * Whether a message's attributes pass a policy of scope MessageAttributes. Attributes of type
 * String, String.Array and Number are compared; Binary ones are ignored ("Filter policy
 * constraints": "Amazon SNS ignores message attributes with the Binary data type"). A
 * String.Array matches when one of its elements does; a Number compares as a number.
 */
export function matchesAttributes(policy: FilterPolicy, attributes: Readonly<Record<string, PublishedAttribute>>): boolean {
  return policy.alternatives.some((rules) => rules.every((rule) => matchRule(rule, attributeValues(attributes[rule.path[0]!]))));
}

/**
 * Whether a message passes a policy of scope MessageBody: the message must be a JSON object
 * ("payload-based filtering": a body that is not one matches no policy with keys); nested keys
 * follow objects, and an array at any level matches when one of its elements does.
 */
export function matchesBody(policy: FilterPolicy, message: string): boolean {
  if (policy.alternatives.every((rules) => rules.length === 0)) return true;
  let body: unknown;
  try {
    body = JSON.parse(message);
  } catch {
    return false;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  return policy.alternatives.some((rules) => rules.every((rule) => matchRule(rule, bodyValues(body, rule.path))));
}

/** The values an attribute offers to conditions; undefined when it is absent (or Binary). */
function attributeValues(attribute: PublishedAttribute | undefined): Literal[] | undefined {
  if (!attribute || attribute.DataType.startsWith('Binary')) return undefined;
  const text = attribute.StringValue ?? '';
  if (attribute.DataType.startsWith('Number')) {
    const number = Number(text);
    return [Number.isFinite(number) ? number : text];
  }
  if (attribute.DataType === 'String.Array') {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.filter(isLiteral);
    } catch {
      // Not a JSON array: compared as the string it is.
    }
  }
  return [text];
}

/** The values at a path of a JSON body; undefined when the path does not exist. */
function bodyValues(body: unknown, path: readonly string[]): Literal[] | undefined {
  let nodes: unknown[] = [body];
  for (const key of path) {
    const next: unknown[] = [];
    for (const node of nodes.flatMap((item) => (Array.isArray(item) ? item : [item]))) {
      if (typeof node === 'object' && node !== null && Object.hasOwn(node, key)) next.push((node as Record<string, unknown>)[key]);
    }
    if (next.length === 0) return undefined;
    nodes = next;
  }
  return nodes.flatMap((node) => (Array.isArray(node) ? node : [node])).filter(isLiteral);
}

function matchRule(rule: Rule, values: Literal[] | undefined): boolean {
  return rule.conditions.some((condition) => {
    if (condition.kind === 'exists') return (values !== undefined) === condition.value;
    return values !== undefined && values.some((value) => matchCondition(condition, value));
  });
}

function matchCondition(condition: Exclude<Condition, { kind: 'exists' }>, value: Literal): boolean {
  switch (condition.kind) {
    case 'equals':
      return value === condition.value;
    case 'prefix':
      return typeof value === 'string' && value.startsWith(condition.value);
    case 'suffix':
      return typeof value === 'string' && value.endsWith(condition.value);
    case 'equals-ignore-case':
      return typeof value === 'string' && value.toLowerCase() === condition.value.toLowerCase();
    case 'anything-but':
      return !condition.values.includes(value);
    case 'anything-but-prefix':
      return typeof value === 'string' && !value.startsWith(condition.value);
    case 'numeric':
      return typeof value === 'number' && condition.bounds.every(([operator, bound]) => compare(value, operator, bound));
    case 'cidr': {
      if (typeof value !== 'string') return false;
      const family = isIP(value);
      return family !== 0 && condition.network.check(value, family === 4 ? 'ipv4' : 'ipv6');
    }
  }
}

function compare(value: number, operator: string, bound: number): boolean {
  switch (operator) {
    case '=':
      return value === bound;
    case '<':
      return value < bound;
    case '<=':
      return value <= bound;
    case '>':
      return value > bound;
    default:
      return value >= bound;
  }
}

function isLiteral(value: unknown): value is Literal {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
