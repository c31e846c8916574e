import { BlockList, isIP } from 'node:net';

// Subscription filter policies (https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html
// and its pages "String value matching", "Numeric value matching", "Attribute key matching",
// "AND/OR logic", "Filter policy constraints"): a JSON object whose keys name message attributes
// (scope MessageAttributes) or message body properties (scope MessageBody, where objects nest);
// each key holds an array of conditions, one of which must match (OR), and every key must match
// (AND); `$or` holds alternative policies. Conditions: a string, number, true, false or null
// (exact match), and objects with one operator: prefix, suffix, equals-ignore-case, anything-but
// (values, or {prefix}), numeric (=, <, <=, >, >= and ranges), exists, cidr. The wording of the
// refusals is AWS's (recorded against AWS: localstack tests/aws/services/sns/
// test_sns_filter_policy.snapshot.json), without the position suffix of AWS's JSON parser.

/** A literal of a policy. */
export type Literal = string | number | boolean | null;

/** One condition on a value. */
export type Condition =
  | { kind: 'equals'; value: Literal }
  | { kind: 'prefix' | 'suffix' | 'equals-ignore-case'; value: string }
  | { kind: 'anything-but'; values: Literal[] }
  | { kind: 'anything-but-prefix'; value: string }
  | { kind: 'numeric'; bounds: Array<[NumericOperator, number]> }
  | { kind: 'exists'; value: boolean }
  | { kind: 'cidr'; network: BlockList };

export type NumericOperator = '=' | '<' | '<=' | '>' | '>=';

/** A key of the policy: where the value is (one name for attributes, a path in the body) and its conditions (one must match). */
export interface Rule {
  path: string[];
  conditions: Condition[];
}

/** A compiled policy: alternatives (one must match), each a list of rules (all must match). */
export interface FilterPolicy {
  alternatives: Rule[][];
  /** Whether any key nests (allowed only for the MessageBody scope). */
  nested: boolean;
}

/** A filter policy AWS would refuse; `reason` follows "FilterPolicy: " in the error message. */
export class FilterPolicyError extends Error {
  constructor(readonly reason: string) {
    super(`FilterPolicy: ${reason}`);
    this.name = 'FilterPolicyError';
  }
}

const MAX_KEYS = 5;
const MAX_COMBINATIONS = 150;
const OPERATORS = new Set(['prefix', 'suffix', 'equals-ignore-case', 'anything-but', 'numeric', 'exists', 'cidr']);
const NUMERIC_OPERATORS = new Set<string>(['=', '<', '<=', '>', '>=']);

/** Parses and checks a FilterPolicy attribute's JSON text. */
export function parseFilterPolicy(text: string): FilterPolicy {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new FilterPolicyError(`failed to parse JSON. ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isObject(parsed)) throw new FilterPolicyError('failed to parse JSON. Expected a JSON object');
  const alternatives = expandAlternatives(parsed, []);
  let nested = false;
  for (const rules of alternatives) {
    if (rules.length > MAX_KEYS) throw new FilterPolicyError(`Filter policy can not have more than ${MAX_KEYS} keys`);
    const combinations = rules.reduce((product, rule) => product * rule.conditions.length, 1);
    if (combinations > MAX_COMBINATIONS) throw new FilterPolicyError('Filter policy is too complex');
    if (rules.some((rule) => rule.path.length > 1)) nested = true;
  }
  const total = alternatives.reduce((sum, rules) => sum + rules.reduce((product, rule) => product * rule.conditions.length, 1), 0);
  if (total > MAX_COMBINATIONS) throw new FilterPolicyError('Filter policy is too complex');
  return { alternatives, nested };
}

/** Expands a (sub)policy object into its alternatives: `$or` multiplies them, nested objects extend the path. */
function expandAlternatives(policy: Record<string, unknown>, prefix: string[]): Rule[][] {
  let alternatives: Rule[][] = [[]];
  for (const [key, value] of Object.entries(policy)) {
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isObject)) {
        throw new FilterPolicyError('"$or" must be an array of at least two objects');
      }
      const branches = value.flatMap((branch) => expandAlternatives(branch, prefix));
      alternatives = alternatives.flatMap((rules) => branches.map((branch) => [...rules, ...branch]));
      continue;
    }
    const path = [...prefix, key];
    if (isObject(value)) {
      const inner = expandAlternatives(value, path);
      alternatives = alternatives.flatMap((rules) => inner.map((more) => [...rules, ...more]));
    } else if (Array.isArray(value)) {
      const rule = { path, conditions: readConditions(value) };
      for (const rules of alternatives) rules.push(rule);
    } else {
      throw new FilterPolicyError(`"${key}" must be an object or an array`);
    }
  }
  return alternatives;
}

function readConditions(values: unknown[]): Condition[] {
  if (values.length === 0) throw new FilterPolicyError('Empty arrays are not allowed');
  return values.map((value) => {
    if (isLiteral(value)) return { kind: 'equals', value };
    if (!isObject(value)) throw new FilterPolicyError('Match value must be String, number, true, false, or null');
    const keys = Object.keys(value);
    if (keys.length !== 1) throw new FilterPolicyError('Only one key allowed in match expression');
    const operator = keys[0]!;
    if (!OPERATORS.has(operator)) throw new FilterPolicyError(`Unrecognized match type ${operator}`);
    return readOperator(operator, value[operator]);
  });
}

function readOperator(operator: string, operand: unknown): Condition {
  switch (operator) {
    case 'prefix':
    case 'suffix':
    case 'equals-ignore-case':
      if (typeof operand !== 'string') throw new FilterPolicyError(`${operator} match pattern must be a string`);
      return { kind: operator, value: operand };
    case 'exists':
      if (typeof operand !== 'boolean') throw new FilterPolicyError('exists match pattern must be either true or false.');
      return { kind: 'exists', value: operand };
    case 'numeric':
      return { kind: 'numeric', bounds: readNumeric(operand) };
    case 'cidr':
      return { kind: 'cidr', network: readCidr(operand) };
    default:
      return readAnythingBut(operand);
  }
}

function readAnythingBut(operand: unknown): Condition {
  if (typeof operand === 'string' || typeof operand === 'number') return { kind: 'anything-but', values: [operand] };
  if (Array.isArray(operand)) {
    if (operand.length === 0 || !operand.every((item) => typeof item === 'string' || typeof item === 'number')) {
      throw new FilterPolicyError('Inside anything but list, start|null|boolean is not supported.');
    }
    return { kind: 'anything-but', values: operand as Literal[] };
  }
  if (isObject(operand)) {
    const keys = Object.keys(operand);
    if (keys.length !== 1 || keys[0] !== 'prefix') throw new FilterPolicyError(`Unsupported anything-but pattern: ${keys[0] ?? ''}`);
    if (typeof operand.prefix !== 'string') throw new FilterPolicyError('prefix match pattern must be a string');
    return { kind: 'anything-but-prefix', value: operand.prefix };
  }
  throw new FilterPolicyError('Value of anything-but must be an array or single string/number value.');
}

/** Reads a numeric condition: [op, n] or a range [>|>=, low, <|<=, high], refusing what AWS refuses, in AWS's words. */
function readNumeric(operand: unknown): Array<[NumericOperator, number]> {
  if (!Array.isArray(operand) || operand.length === 0) throw new FilterPolicyError('Invalid member in numeric match: ]');
  const [first, low, second, high] = operand as unknown[];
  if (typeof first !== 'string') throw new FilterPolicyError(`Invalid member in numeric match: ${JSON.stringify(first)}`);
  if (!NUMERIC_OPERATORS.has(first)) throw new FilterPolicyError(`Unrecognized numeric range operator: ${first}`);
  if (typeof low !== 'number') throw new FilterPolicyError(`Value of ${first === '=' ? 'equals' : first} must be numeric`);
  const bounds: Array<[NumericOperator, number]> = [[first as NumericOperator, low]];
  if (operand.length === 2) return bounds;
  if (first === '=' || first === '<' || first === '<=') throw new FilterPolicyError('Too many elements in numeric expression');
  if (typeof second !== 'string') throw new FilterPolicyError(`Bad value in numeric range: ${JSON.stringify(second)}`);
  if (second !== '<' && second !== '<=') throw new FilterPolicyError(`Bad numeric range operator: ${second}`);
  if (typeof high !== 'number') throw new FilterPolicyError(`Value of ${second} must be numeric`);
  if (operand.length > 4) throw new FilterPolicyError('Too many terms in numeric range expression');
  if (low >= high) throw new FilterPolicyError('Bottom must be less than top');
  bounds.push([second, high]);
  return bounds;
}

function readCidr(operand: unknown): BlockList {
  // AWS's own (odd) wording for a cidr that is not a string, recorded against AWS.
  if (typeof operand !== 'string') throw new FilterPolicyError('prefix match pattern must be a string');
  const parts = operand.split('/');
  if (parts.length !== 2) throw new FilterPolicyError("Malformed CIDR, one '/' required");
  const [address, bits] = parts as [string, string];
  const family = isIP(address);
  if (family === 0) throw new FilterPolicyError(`Nonstandard IP address: ${address}`);
  const prefix = Number(bits);
  if (!/^\d+$/.test(bits) || prefix > (family === 4 ? 32 : 128)) throw new FilterPolicyError('Malformed CIDR, mask bits must be an integer');
  const list = new BlockList();
  list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
  return list;
}

function isLiteral(value: unknown): value is Literal {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
