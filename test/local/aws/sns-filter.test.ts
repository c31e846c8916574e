import { describe, expect, it } from 'vitest';
import { matchesAttributes, matchesBody, type PublishedAttribute } from '../../../local/aws/sns/filter/match.js';
import { FilterPolicyError, parseFilterPolicy } from '../../../local/aws/sns/filter/policy.js';

const reasonOf = (policy: unknown): string => {
  try {
    parseFilterPolicy(JSON.stringify(policy));
  } catch (error) {
    if (error instanceof FilterPolicyError) return error.reason;
    throw error;
  }
  throw new Error(`Expected ${JSON.stringify(policy)} to be refused`);
};

const string = (value: string): PublishedAttribute => ({ DataType: 'String', StringValue: value });
const number = (value: string): PublishedAttribute => ({ DataType: 'Number', StringValue: value });
const matches = (policy: unknown, attributes: Record<string, PublishedAttribute>) => matchesAttributes(parseFilterPolicy(JSON.stringify(policy)), attributes);

// Reasons recorded against AWS: localstack tests/aws/services/sns/test_sns_filter_policy.snapshot.json.
describe('SNS filter policies', () => {
  it('refuses the policies AWS refuses, in its words', () => {
    expect(reasonOf({ key: 'value' })).toBe('"key" must be an object or an array');
    expect(reasonOf({ key: [] })).toBe('Empty arrays are not allowed');
    expect(reasonOf({ key: [['value']] })).toBe('Match value must be String, number, true, false, or null');
    expect(reasonOf({ key: [{ suffix: 'value', prefix: 'value2' }] })).toBe('Only one key allowed in match expression');
    expect(reasonOf({ key: [{ 'wrong-operator': true }] })).toBe('Unrecognized match type wrong-operator');
    expect(reasonOf({ key: [{ suffix: 100 }] })).toBe('suffix match pattern must be a string');
    expect(reasonOf({ key: [{ exists: 'no' }] })).toBe('exists match pattern must be either true or false.');
    expect(reasonOf({ key: [{ 'anything-but': { suffix: 'test' } }] })).toBe('Unsupported anything-but pattern: suffix');
    expect(reasonOf({ key: [{ cidr: 'xx.11.xx/10' }] })).toBe('Nonstandard IP address: xx.11.xx');
    expect(reasonOf({ key: [{ cidr: '10.0.0.0' }] })).toBe("Malformed CIDR, one '/' required");
    expect(reasonOf({ a: ['1'], b: ['1'], c: ['1'], d: ['1'], e: ['1'], f: ['1'] })).toBe('Filter policy can not have more than 5 keys');
    expect(reasonOf({ a: Array.from({ length: 151 }, (_, i) => String(i)) })).toBe('Filter policy is too complex');
  });

  it('refuses malformed numeric conditions as AWS does', () => {
    expect(reasonOf({ key: [{ numeric: [] }] })).toBe('Invalid member in numeric match: ]');
    expect(reasonOf({ key: [{ numeric: [1, '<='] }] })).toBe('Invalid member in numeric match: 1');
    expect(reasonOf({ key: [{ numeric: ['operator'] }] })).toBe('Unrecognized numeric range operator: operator');
    expect(reasonOf({ key: [{ numeric: ['>='] }] })).toBe('Value of >= must be numeric');
    expect(reasonOf({ key: [{ numeric: ['=', '000'] }] })).toBe('Value of equals must be numeric');
    expect(reasonOf({ key: [{ numeric: ['<', 100, '>', 10] }] })).toBe('Too many elements in numeric expression');
    expect(reasonOf({ key: [{ numeric: ['>=', 1, '>', 2] }] })).toBe('Bad numeric range operator: >');
    expect(reasonOf({ key: [{ numeric: ['>', 20, 30] }] })).toBe('Bad value in numeric range: 30');
    expect(reasonOf({ key: [{ numeric: ['>', 3, '<', 1] }] })).toBe('Bottom must be less than top');
    expect(reasonOf({ key: [{ numeric: ['>', 20, '<', 30, '<', 50] }] })).toBe('Too many terms in numeric range expression');
  });

  it('matches attributes: exact, prefix, suffix, case-insensitive, anything-but, numeric, exists, cidr', () => {
    expect(matches({ store: ['example_corp'] }, { store: string('example_corp') })).toBe(true);
    expect(matches({ store: ['example_corp'] }, { store: string('Example_Corp') })).toBe(false);
    expect(matches({ store: [{ 'equals-ignore-case': 'example_corp' }] }, { store: string('Example_Corp') })).toBe(true);
    expect(matches({ event: [{ prefix: 'order-' }] }, { event: string('order-placed') })).toBe(true);
    expect(matches({ file: [{ suffix: '.png' }] }, { file: string('a.jpg') })).toBe(false);
    expect(matches({ event: [{ 'anything-but': ['order_cancelled'] }] }, { event: string('order_placed') })).toBe(true);
    expect(matches({ event: [{ 'anything-but': ['order_cancelled'] }] }, {})).toBe(false);
    expect(matches({ price: [{ 'anything-but': [100, 500] }] }, { price: number('100') })).toBe(false);
    expect(matches({ price: [{ numeric: ['=', 301.5] }] }, { price: number('3.015e2') })).toBe(true);
    expect(matches({ price: [{ numeric: ['>', 0, '<=', 150] }] }, { price: number('150') })).toBe(true);
    expect(matches({ price: [{ numeric: ['>', 0, '<=', 150] }] }, { price: string('150') })).toBe(false);
    expect(matches({ price: [300] }, { price: number('300.0') })).toBe(true);
    expect(matches({ retried: [{ exists: false }] }, {})).toBe(true);
    expect(matches({ retried: [{ exists: true }] }, {})).toBe(false);
    expect(matches({ ip: [{ cidr: '10.0.0.0/24' }] }, { ip: string('10.0.0.255') })).toBe(true);
    expect(matches({ ip: [{ cidr: '10.0.0.0/24' }] }, { ip: string('10.0.1.0') })).toBe(false);
  });

  it('matches any element of a String.Array, ignores Binary attributes, and takes $or alternatives', () => {
    const interests = { DataType: 'String.Array', StringValue: '["soccer","rugby",7]' };
    expect(matches({ interests: ['rugby', 'football'] }, { interests })).toBe(true);
    expect(matches({ interests: [{ numeric: ['>', 5] }] }, { interests })).toBe(true);
    expect(matches({ interests: ['golf'] }, { interests })).toBe(false);
    expect(matches({ blob: [{ exists: true }] }, { blob: { DataType: 'Binary', BinaryValue: 'AgME' } })).toBe(false);
    const either = { $or: [{ kind: ['a'] }, { size: [{ numeric: ['>', 10] }] }], region: ['eu'] };
    expect(matches(either, { kind: string('a'), region: string('eu') })).toBe(true);
    expect(matches(either, { size: number('11'), region: string('eu') })).toBe(true);
    expect(matches(either, { kind: string('a'), region: string('us') })).toBe(false);
  });

  it('matches a JSON body through nested keys and arrays, and no body that is not a JSON object', () => {
    const policy = parseFilterPolicy(JSON.stringify({ job: { exit: [{ numeric: ['=', 0] }], tags: ['nightly'] } }));
    expect(policy.nested).toBe(true);
    expect(matchesBody(policy, JSON.stringify({ job: { exit: 0, tags: ['x', 'nightly'] } }))).toBe(true);
    expect(matchesBody(policy, JSON.stringify({ job: [{ exit: 1, tags: 'nightly' }, { exit: 0, tags: 'y' }] }))).toBe(true);
    expect(matchesBody(policy, JSON.stringify({ job: { exit: 1, tags: ['nightly'] } }))).toBe(false);
    expect(matchesBody(policy, 'plain text')).toBe(false);
    expect(matchesBody(parseFilterPolicy('{}'), 'plain text')).toBe(true);
  });
});
