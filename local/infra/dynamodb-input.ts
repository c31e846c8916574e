import { parseGoInt, splitOnce } from './nodes.js';

// A port of lib/dynamodb.go: DynamoDBEnsureInput, which turns a table's `key` and `attr` lines
// (the index sections already turned into attrs) into the CreateTable input libaws sends.
// Values stay unchecked strings here, as libaws leaves them to AWS; dynamodb.ts checks them.

/** An `attr` line with the file line it came from. */
export interface AttrLine {
  readonly text: string;
  readonly line: number;
}

/** A key as libaws reads it: `name:type:keytype`, type and key type upper-cased, not yet checked. */
export interface DraftKey {
  readonly attributeName: string;
  readonly attributeType: string;
  readonly keyType: string;
  readonly line: number;
}

/** A secondary index as the attrs built it. */
export interface DraftIndex {
  name?: string;
  readonly keys: DraftKey[];
  projectionType?: string;
  readonly nonKeyAttributes: string[];
  read?: number;
  write?: number;
  /** The line of the attr that started it. */
  readonly line: number;
}

/** Everything DynamoDBEnsureInput derives from the lines. */
export interface DraftTable {
  readonly keys: DraftKey[];
  readonly attributeDefinitions: { attributeName: string; attributeType: string }[];
  provisioned: boolean;
  read?: number;
  write?: number;
  kmsMasterKeyId?: string;
  streamViewType?: string;
  readonly localIndexes: DraftIndex[];
  readonly globalIndexes: DraftIndex[];
  readonly tags: [string, string][];
  ttlAttribute?: string;
}

/** What libaws would refuse, at a line. */
export interface DraftProblem {
  readonly line: number;
  readonly message: string;
}

const TABLE_ATTRS =
  'ttl=ATTR, read=N, write=N, stream=VIEW_TYPE, ProvisionedThroughput.ReadCapacityUnits=N, ProvisionedThroughput.WriteCapacityUnits=N, ' +
  'StreamSpecification.StreamViewType=, SSESpecification.KMSMasterKeyId=, GlobalSecondaryIndexes.N.*, LocalSecondaryIndexes.N.*, Tags.KEY=VALUE';

// lib/dynamodb.go: dynamoDBTableAttrShortcut
const SHORTCUTS: Record<string, string> = {
  read: 'ProvisionedThroughput.ReadCapacityUnits',
  write: 'ProvisionedThroughput.WriteCapacityUnits',
  stream: 'StreamSpecification.StreamViewType',
};

/** Parses `name:type:keytype` as libaws does (strings.SplitN(key, ":", 3), upper-cased type and key type). */
export function parseKeyLine(text: string, line: number): DraftKey | DraftProblem {
  const first = text.indexOf(':');
  const second = first === -1 ? -1 : text.indexOf(':', first + 1);
  if (second === -1) return { line, message: `key "${text}" is not NAME:TYPE:KEY_TYPE (libaws's format, e.g. id:s:hash or date:n:range)` };
  return {
    attributeName: text.slice(0, first),
    attributeType: text.slice(first + 1, second).toUpperCase(),
    keyType: text.slice(second + 1).toUpperCase(),
    line,
  };
}

/** Runs DynamoDBEnsureInput over the key and attr lines; the first problem stops it, as in libaws. */
export function draftTable(keyLines: readonly AttrLine[], attrLines: readonly AttrLine[]): DraftTable | DraftProblem {
  const draft: DraftTable = { keys: [], attributeDefinitions: [], provisioned: false, localIndexes: [], globalIndexes: [], tags: [] };
  for (const { text, line } of keyLines) {
    const key = parseKeyLine(text, line);
    if ('message' in key) return key;
    draft.keys.push(key);
    draft.attributeDefinitions.push({ attributeName: key.attributeName, attributeType: key.attributeType });
  }
  for (const attr of attrLines) {
    const problem = applyAttr(draft, attr);
    if (problem) return problem;
  }
  return draft;
}

function applyAttr(draft: DraftTable, { text, line }: AttrLine): DraftProblem | undefined {
  const fail = (message: string): DraftProblem => ({ line, message });
  const split = splitOnce(text, '=');
  if (!split) return fail(`dynamodb attr "${text}" is not NAME=VALUE (libaws accepts ${TABLE_ATTRS})`);
  const [name, value] = split;
  if (name === 'ttl') {
    draft.ttlAttribute = value;
    return undefined;
  }
  const path = splitOnce(SHORTCUTS[name] ?? name, '.');
  const unknown = fail(`unknown dynamodb attr "${text}" (libaws accepts ${TABLE_ATTRS})`);
  if (!path) return unknown;
  const [head, tail] = path;
  switch (head) {
    case 'BillingMode':
      return fail(`dynamodb attr "${text}": libaws implies BillingMode from read/write capacity; drop this line`);
    case 'SSESpecification':
      if (tail === 'KMSMasterKeyId') draft.kmsMasterKeyId = value;
      else if (tail === 'SSEType') return fail(`dynamodb attr "${text}": libaws sets SSEType itself (KMS, with SSESpecification.KMSMasterKeyId)`);
      else return unknown;
      return undefined;
    case 'ProvisionedThroughput': {
      if (tail !== 'ReadCapacityUnits' && tail !== 'WriteCapacityUnits') return unknown;
      const units = parseGoInt(value);
      if (units === undefined) return fail(`dynamodb attr "${text}": capacity units must be a whole number`);
      draft.provisioned = true;
      if (tail === 'ReadCapacityUnits') draft.read = units;
      else draft.write = units;
      return undefined;
    }
    case 'StreamSpecification':
      if (tail !== 'StreamViewType') return unknown;
      draft.streamViewType = value.toUpperCase();
      return undefined;
    case 'LocalSecondaryIndexes':
    case 'GlobalSecondaryIndexes':
      return applyIndexAttr(draft, head, tail, value, text, line);
    case 'Tags':
      draft.tags.push([tail, value]);
      return undefined;
    default:
      return unknown;
  }
}

function applyIndexAttr(draft: DraftTable, kind: 'LocalSecondaryIndexes' | 'GlobalSecondaryIndexes', path: string, value: string, text: string, line: number): DraftProblem | undefined {
  const fail = (message: string): DraftProblem => ({ line, message });
  const unknown = fail(`unknown dynamodb attr "${text}" (libaws accepts ${kind}.N.IndexName, .Key.N, .Projection.ProjectionType, .Projection.NonKeyAttributes.N${kind === 'GlobalSecondaryIndexes' ? ', .ProvisionedThroughput.ReadCapacityUnits, .ProvisionedThroughput.WriteCapacityUnits' : ''})`);
  const outOfOrder = fail(`dynamodb attr "${text}": libaws needs attrs with indices in ascending order (0, 1, ...)`);
  const first = splitOnce(path, '.');
  if (!first) return unknown;
  const indexes = kind === 'GlobalSecondaryIndexes' ? draft.globalIndexes : draft.localIndexes;
  const i = parseGoInt(first[0]);
  if (i === undefined) return fail(`dynamodb attr "${text}": the index number must be a whole number`);
  if (i < 0) return fail(`dynamodb attr "${text}": the index number must be 0 or more (libaws would crash)`);
  if (indexes.length === i) indexes.push({ keys: [], nonKeyAttributes: [], line });
  else if (indexes.length !== i + 1) return outOfOrder;
  const index = indexes[i];
  if (!index) return outOfOrder;
  const rest = first[1];
  if (rest === 'IndexName') {
    index.name = value;
    return undefined;
  }
  const second = splitOnce(rest, '.');
  if (!second) return unknown;
  const [part, tail] = second;
  if (part === 'Key') {
    const j = parseGoInt(tail);
    if (j === undefined) return fail(`dynamodb attr "${text}": the key number must be a whole number`);
    if (index.keys.length !== j) return outOfOrder;
    const key = parseKeyLine(value, line);
    if ('message' in key) return key;
    index.keys.push(key);
    const existing = draft.attributeDefinitions.find((def) => def.attributeName === key.attributeName);
    if (!existing) draft.attributeDefinitions.push({ attributeName: key.attributeName, attributeType: key.attributeType });
    else if (existing.attributeType !== key.attributeType) {
      return fail(`dynamodb attr "${text}": attribute ${key.attributeName} is ${existing.attributeType} elsewhere, ${key.attributeType} here`);
    }
    return undefined;
  }
  if (part === 'Projection') {
    if (tail === 'ProjectionType') {
      index.projectionType = value.toUpperCase();
      return undefined;
    }
    const nonKey = splitOnce(tail, '.');
    if (!nonKey || nonKey[0] !== 'NonKeyAttributes') return unknown;
    const j = parseGoInt(nonKey[1]);
    if (j === undefined) return fail(`dynamodb attr "${text}": the attribute number must be a whole number`);
    if (index.nonKeyAttributes.length !== j) return outOfOrder;
    index.nonKeyAttributes.push(value);
    return undefined;
  }
  if (part === 'ProvisionedThroughput' && kind === 'GlobalSecondaryIndexes') {
    if (tail !== 'ReadCapacityUnits' && tail !== 'WriteCapacityUnits') return unknown;
    const units = parseGoInt(value);
    if (units === undefined) return fail(`dynamodb attr "${text}": capacity units must be a whole number`);
    if (tail === 'ReadCapacityUnits') index.read = units;
    else index.write = units;
    return undefined;
  }
  return unknown;
}
