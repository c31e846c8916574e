import type { CreateTableInput } from '@aws-sdk/client-dynamodb';
import { draftTable, type AttrLine, type DraftIndex, type DraftKey, type DraftTable } from './dynamodb-input.js';
import type { KeyElement, SecondaryIndex, Table } from './model.js';
import { parseGoInt, readEntries, readStringList, splitOnce, type Located, type Walk } from './nodes.js';

// A `dynamodb:` table as libaws ensures it (lib/infra.go: InfraEnsureDynamoDB,
// infraParseValidateDynamoDB*, infraEnsureDynamoDB*IndexToAttrs; lib/dynamodb.go:
// DynamoDBEnsureInput), checked as CreateTable would check it:
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html

const CREATE_TABLE_DOCS = 'https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html';
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
const NAME_PATTERN = /^[a-zA-Z0-9_.-]{3,255}$/;
const STREAM_VIEW_TYPES = ['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES'] as const;
const PROJECTION_TYPES = ['ALL', 'KEYS_ONLY', 'INCLUDE'] as const;

interface IndexSection {
  readonly name: string;
  readonly line: number;
  readonly key: Located[];
  readonly nonKey: Located[];
  readonly attr: Located[];
}

/** Reads one table of the `dynamodb` section, or undefined after recording its problems. */
export function readTable(walk: Walk, setName: string, name: string, line: number, node: unknown): Table | undefined {
  const before = walk.problems.list.length;
  const what = `dynamodb table ${name}`;
  const entries = readEntries(walk, node, line, what, 'a mapping (key, attr, global-index, local-index)');
  if (!entries) return undefined;
  let keys: Located[] = [];
  let attrs: Located[] = [];
  let globals: IndexSection[] = [];
  for (const entry of entries) {
    if (entry.key === 'key' || entry.key === 'attr') {
      const list = readStringList(walk, entry.value, entry.line, `${what}: ${entry.key}`) ?? [];
      if (entry.key === 'key') keys = list;
      else attrs = list;
    } else if (entry.key === 'global-index') {
      globals = readIndexSections(walk, entry.value, entry.line, `${what}: global-index`);
    } else if (entry.key === 'local-index') {
      // lib/infra.go: infraEnsureDynamoDBLocalIndexToAttrs writes the projection to
      // GlobalSecondaryIndexes.N, so CreateTable gets a nameless global index (or a local index
      // without a projection) and fails: every `local-index` section fails at deploy.
      walk.problems.add(
        entry.line,
        `${what}: libaws cannot create a local-index (lib/infra.go: infraEnsureDynamoDBLocalIndexToAttrs writes its projection to GlobalSecondaryIndexes); ` +
          'declare it with attr lines LocalSecondaryIndexes.0.IndexName=, .Key.0=, .Key.1=, .Projection.ProjectionType=',
      );
    } else {
      walk.problems.add(entry.line, `unknown dynamodb table key "${entry.key}" (libaws accepts key, attr, global-index, local-index)`);
    }
  }
  if (!NAME_PATTERN.test(name)) walk.problems.add(line, `${what}: a table name must be 3 to 255 letters, digits, _ . - (DynamoDB naming rules)`);
  if (walk.problems.list.length > before) return undefined;
  const indexAttrs = globalIndexAttrs(walk, globals, what);
  if (!indexAttrs) return undefined;
  const draft = draftTable(toLines(keys), [...toLines(attrs), ...indexAttrs]);
  if ('message' in draft) {
    walk.problems.add(draft.line, `${what}: ${draft.message}`);
    return undefined;
  }
  return checkTable(walk, setName, name, line, draft);
}

function toLines(list: readonly Located[]): AttrLine[] {
  return list.map(({ value, line }) => ({ text: value, line }));
}

function readIndexSections(walk: Walk, node: unknown, line: number, what: string): IndexSection[] {
  const sections: IndexSection[] = [];
  for (const index of readEntries(walk, node, line, what, 'a mapping of index names to indexes') ?? []) {
    const fields = { key: [] as Located[], nonKey: [] as Located[], attr: [] as Located[] };
    for (const entry of readEntries(walk, index.value, index.line, `${what} ${index.key}`, 'a mapping (key, non-key, attr)') ?? []) {
      const field = entry.key === 'non-key' ? 'nonKey' : entry.key === 'key' || entry.key === 'attr' ? entry.key : undefined;
      if (field) fields[field] = readStringList(walk, entry.value, entry.line, `${what} ${index.key}: ${entry.key}`) ?? [];
      else walk.problems.add(entry.line, `unknown dynamodb index key "${entry.key}" (libaws accepts key, non-key, attr)`);
    }
    sections.push({ name: index.key, line: index.line, ...fields });
  }
  return sections;
}

// lib/infra.go: infraEnsureDynamoDBGlobalIndexToAttrs (in file order; libaws walks a Go map).
function globalIndexAttrs(walk: Walk, sections: readonly IndexSection[], what: string): AttrLine[] | undefined {
  const lines: AttrLine[] = [];
  for (const [count, section] of sections.entries()) {
    const at = `GlobalSecondaryIndexes.${count}`;
    lines.push({ text: `${at}.IndexName=${section.name}`, line: section.line });
    section.key.forEach((key, i) => lines.push({ text: `${at}.Key.${i}=${key.value}`, line: key.line }));
    section.nonKey.forEach((attr, i) => lines.push({ text: `${at}.Projection.NonKeyAttributes.${i}=${attr.value}`, line: attr.line }));
    let projection = false;
    for (const attr of section.attr) {
      const split = splitOnce(attr.value, '=');
      const [name, value] = split ?? ['', ''];
      const units = parseGoInt(value);
      if (name === 'projection') {
        lines.push({ text: `${at}.Projection.ProjectionType=${value.toUpperCase()}`, line: attr.line });
        projection = true;
      } else if ((name === 'read' || name === 'write:') && units !== undefined) {
        const field = name === 'read' ? 'ReadCapacityUnits' : 'WriteCapacityUnits';
        lines.push({ text: `${at}.ProvisionedThroughput.${field}=${units}`, line: attr.line });
      } else {
        const why = name === 'read' || name === 'write:' ? 'capacity units must be a whole number' : 'unknown global index attr';
        walk.problems.add(
          attr.line,
          `${what}: ${why} "${attr.value}" (libaws accepts projection=TYPE, read=N and, through a typo in lib/infra.go: infraEnsureDynamoDBGlobalIndexToAttrs, write:=N)`,
        );
        return undefined;
      }
    }
    if (!projection) lines.push({ text: `${at}.Projection.ProjectionType=ALL`, line: section.line });
  }
  return lines;
}

function checkTable(walk: Walk, setName: string, name: string, line: number, draft: DraftTable): Table | undefined {
  const before = walk.problems.list.length;
  const fail = (at: number, message: string) => walk.problems.add(at, `dynamodb table ${name}: ${message} (CreateTable: ${CREATE_TABLE_DOCS})`);
  const keys = checkKeySchema(draft.keys, line, 'the table', fail);
  if (draft.provisioned && (draft.read === undefined || draft.write === undefined || draft.read < 1 || draft.write < 1)) {
    fail(line, 'a provisioned table needs both read=N and write=N, each at least 1');
  }
  if (draft.streamViewType !== undefined && !(STREAM_VIEW_TYPES as readonly string[]).includes(draft.streamViewType)) {
    fail(line, `stream view type ${draft.streamViewType} is not one of ${STREAM_VIEW_TYPES.join(', ')}`);
  }
  const globalIndexes = draft.globalIndexes.map((index) => checkIndex(index, 'global', draft, keys, fail));
  const localIndexes = draft.localIndexes.map((index) => checkIndex(index, 'local', draft, keys, fail));
  const names = [...globalIndexes, ...localIndexes].map((index) => index?.name);
  const duplicate = names.find((indexName, i) => indexName !== undefined && names.indexOf(indexName) !== i);
  if (duplicate) fail(line, `two indexes are named ${duplicate}`);
  if (draft.ttlAttribute === '') fail(line, 'ttl= needs an attribute name');
  if (walk.problems.list.length > before || !keys) return undefined;
  const tags: Record<string, string> = { 'libaws.infraset': setName, ...Object.fromEntries(draft.tags) };
  const table: Omit<Table, 'createTableInput'> = {
    name,
    line,
    keys,
    attributeDefinitions: draft.attributeDefinitions.map((def) => ({ attributeName: def.attributeName, attributeType: def.attributeType as KeyElement['attributeType'] })),
    ...(draft.ttlAttribute !== undefined ? { ttlAttribute: draft.ttlAttribute } : {}),
    billing: draft.provisioned ? { mode: 'PROVISIONED', read: draft.read ?? 0, write: draft.write ?? 0 } : { mode: 'PAY_PER_REQUEST' },
    ...(draft.streamViewType !== undefined ? { streamViewType: draft.streamViewType as NonNullable<Table['streamViewType']> } : {}),
    globalIndexes: globalIndexes.filter((index) => index !== undefined),
    localIndexes: localIndexes.filter((index) => index !== undefined),
    ...(draft.kmsMasterKeyId !== undefined ? { kmsMasterKeyId: draft.kmsMasterKeyId } : {}),
    tags,
  };
  return { ...table, createTableInput: toCreateTableInput(table, draft) };
}

type Fail = (line: number, message: string) => void;

function checkKeySchema(keys: readonly DraftKey[], line: number, what: string, fail: Fail): KeyElement[] | undefined {
  // Messages about the table's own keys need no prefix; an index's say which index.
  const prefix = what === 'the table' ? '' : `${what}: `;
  if (keys.length < 1 || keys.length > 2) {
    fail(line, `${prefix}${what === 'the table' ? 'a table' : 'an index'} needs one key (NAME:TYPE:hash) or two (then NAME:TYPE:range), got ${keys.length}`);
    return undefined;
  }
  let ok = true;
  keys.forEach((key, i) => {
    const expected = i === 0 ? 'HASH' : 'RANGE';
    if (key.attributeName === '') ok = failWith(fail, key.line, `${prefix}a key needs an attribute name`);
    if (!isAttributeType(key.attributeType)) ok = failWith(fail, key.line, `${prefix}key ${key.attributeName} has type ${key.attributeType.toLowerCase()}; expected s, n or b`);
    if (key.keyType !== expected) ok = failWith(fail, key.line, `${prefix}key ${i + 1} must be the ${expected.toLowerCase()} key, got ${key.keyType.toLowerCase()}`);
  });
  if (keys.length === 2 && keys[0]?.attributeName === keys[1]?.attributeName) ok = failWith(fail, line, `${prefix}the hash and range keys name the same attribute`);
  return ok ? keys.map((key) => ({ attributeName: key.attributeName, attributeType: key.attributeType as KeyElement['attributeType'], keyType: key.keyType as KeyElement['keyType'] })) : undefined;
}

function failWith(fail: Fail, line: number, message: string): false {
  fail(line, message);
  return false;
}

function checkIndex(index: DraftIndex, kind: 'global' | 'local', draft: DraftTable, tableKeys: KeyElement[] | undefined, fail: Fail): SecondaryIndex | undefined {
  const what = `${kind} index ${index.name ?? '(unnamed)'}`;
  let ok = true;
  if (index.name === undefined || !NAME_PATTERN.test(index.name)) ok = failWith(fail, index.line, `${what}: an index needs a name of 3 to 255 letters, digits, _ . -`);
  const keys = checkKeySchema(index.keys, index.line, what, fail);
  const type = index.projectionType;
  if (type === undefined || !(PROJECTION_TYPES as readonly string[]).includes(type)) {
    ok = failWith(fail, index.line, `${what}: the projection type must be one of ${PROJECTION_TYPES.join(', ')}, got ${index.projectionType ?? 'none'}`);
  } else if ((type === 'INCLUDE') !== index.nonKeyAttributes.length > 0) {
    ok = failWith(fail, index.line, `${what}: non-key attributes go with projection INCLUDE, and INCLUDE needs them`);
  }
  if (kind === 'local' && keys && tableKeys && (keys[0]?.attributeName !== tableKeys[0]?.attributeName || keys.length !== 2 || tableKeys.length !== 2)) {
    ok = failWith(fail, index.line, `${what}: a local index needs the table's hash key and a range key, on a table that has a range key`);
  }
  const hasThroughput = index.read !== undefined || index.write !== undefined;
  if (kind === 'global' && draft.provisioned && (index.read === undefined || index.write === undefined || index.read < 1 || index.write < 1)) {
    ok = failWith(fail, index.line, `${what}: on a provisioned table a global index needs read=N and write:=N (libaws's spelling), each at least 1`);
  }
  if (kind === 'global' && !draft.provisioned && hasThroughput) {
    ok = failWith(fail, index.line, `${what}: a pay-per-request table's index takes no read/write capacity`);
  }
  if (!ok || !keys || index.name === undefined) return undefined;
  return {
    name: index.name,
    keys,
    projection: { type: type as SecondaryIndex['projection']['type'], nonKeyAttributes: index.nonKeyAttributes },
    ...(kind === 'global' && draft.provisioned ? { provisioned: { read: index.read ?? 0, write: index.write ?? 0 } } : {}),
  };
}

function isAttributeType(type: string): type is KeyElement['attributeType'] {
  return type === 'S' || type === 'N' || type === 'B';
}

// The CreateTableInput libaws sends (lib/dynamodb.go: DynamoDBEnsureInput's returned input).
function toCreateTableInput(table: Omit<Table, 'createTableInput'>, draft: DraftTable): CreateTableInput {
  const keySchema = (keys: readonly KeyElement[]) => keys.map((key) => ({ AttributeName: key.attributeName, KeyType: key.keyType }));
  const projection = (index: SecondaryIndex) => ({
    ProjectionType: index.projection.type,
    ...(index.projection.nonKeyAttributes.length > 0 ? { NonKeyAttributes: index.projection.nonKeyAttributes } : {}),
  });
  return {
    TableName: table.name,
    BillingMode: table.billing.mode,
    KeySchema: keySchema(table.keys),
    AttributeDefinitions: table.attributeDefinitions.map((def) => ({ AttributeName: def.attributeName, AttributeType: def.attributeType })),
    StreamSpecification: table.streamViewType ? { StreamEnabled: true, StreamViewType: table.streamViewType } : { StreamEnabled: false },
    ...(table.billing.mode === 'PROVISIONED' ? { ProvisionedThroughput: { ReadCapacityUnits: table.billing.read, WriteCapacityUnits: table.billing.write } } : {}),
    ...(draft.kmsMasterKeyId !== undefined ? { SSESpecification: { Enabled: true, KMSMasterKeyId: draft.kmsMasterKeyId, SSEType: 'KMS' as const } } : {}),
    ...(table.globalIndexes.length > 0
      ? {
          GlobalSecondaryIndexes: table.globalIndexes.map((index) => ({
            IndexName: index.name,
            KeySchema: keySchema(index.keys),
            Projection: projection(index),
            ...(index.provisioned ? { ProvisionedThroughput: { ReadCapacityUnits: index.provisioned.read, WriteCapacityUnits: index.provisioned.write } } : {}),
          })),
        }
      : {}),
    ...(table.localIndexes.length > 0
      ? { LocalSecondaryIndexes: table.localIndexes.map((index) => ({ IndexName: index.name, KeySchema: keySchema(index.keys), Projection: projection(index) })) }
      : {}),
    Tags: Object.entries(table.tags).map(([Key, Value]) => ({ Key, Value })),
  };
}
