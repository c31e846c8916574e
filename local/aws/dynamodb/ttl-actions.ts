import { z } from 'zod';
import { AwsError } from '../service.js';
import { readTable, validateRequest, type Store } from './engine.js';
import { tableNotFoundError, validationError } from './errors.js';
import type { TtlSettings } from './ttl-settings.js';

// Request constraints in the engine's own format, so that violations get DynamoDB's
// "1 validation error detected: Value … at '…' failed to satisfy constraint: …" wording.
const TABLE_NAME = {
  type: 'String',
  notNull: true,
  regex: '[a-zA-Z0-9_.-]+',
  lengthGreaterThanOrEqual: 3,
  lengthLessThanOrEqual: 255,
};
const UPDATE_CONSTRAINTS = {
  TableName: TABLE_NAME,
  TimeToLiveSpecification: {
    type: 'FieldStruct<TimeToLiveSpecification>',
    notNull: true,
    children: {
      AttributeName: { type: 'String', notNull: true, lengthGreaterThanOrEqual: 1, lengthLessThanOrEqual: 255 },
      Enabled: { type: 'Boolean', notNull: true },
    },
  },
};
const DESCRIBE_CONSTRAINTS = { TableName: TABLE_NAME };

const UpdateTimeToLiveInput = z.object({
  TableName: z.string(),
  TimeToLiveSpecification: z.object({ AttributeName: z.string(), Enabled: z.boolean() }),
});
const DescribeTimeToLiveInput = z.object({ TableName: z.string() });

/** UpdateTimeToLive: enables or disables TTL on a table, persisted with the table's data. */
export async function updateTimeToLive(
  store: Store,
  ttl: TtlSettings,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const input = parseInput(UpdateTimeToLiveInput, validateRequest(store, body, UPDATE_CONSTRAINTS));
  const { TableName: tableName, TimeToLiveSpecification: spec } = input;
  if (!(await readTable(store, tableName))) throw tableNotFoundError(tableName);
  const current = ttl.attributeOf(tableName);
  if (spec.Enabled) {
    if (current === spec.AttributeName) throw validationError('TimeToLive is already enabled');
    if (current !== undefined) throw validationError('TimeToLive is active on a different AttributeName');
    await ttl.enable(tableName, spec.AttributeName);
  } else {
    if (current === undefined) throw validationError('TimeToLive is already disabled');
    if (current !== spec.AttributeName) throw validationError('TimeToLive is active on a different AttributeName');
    await ttl.disable(tableName);
  }
  return { TimeToLiveSpecification: { AttributeName: spec.AttributeName, Enabled: spec.Enabled } };
}

/** DescribeTimeToLive: ENABLED with its attribute, or DISABLED. */
export async function describeTimeToLive(
  store: Store,
  ttl: TtlSettings,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const { TableName: tableName } = parseInput(DescribeTimeToLiveInput, validateRequest(store, body, DESCRIBE_CONSTRAINTS));
  if (!(await readTable(store, tableName))) throw tableNotFoundError(tableName);
  const attributeName = ttl.attributeOf(tableName);
  return {
    TimeToLiveDescription:
      attributeName === undefined ? { TimeToLiveStatus: 'DISABLED' } : { TimeToLiveStatus: 'ENABLED', AttributeName: attributeName },
  };
}

// The engine's validation has already refused anything malformed; this only gives the value its type.
function parseInput<T>(schema: z.ZodType<T>, data: Record<string, unknown>): T {
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new AwsError(400, 'ValidationException', `Invalid request: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
