import {
  CreateBucketCommand,
  DeleteBucketCorsCommand,
  DeleteBucketLifecycleCommand,
  GetBucketCorsCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketVersioningCommand,
  PutBucketCorsCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  S3ServiceException,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import type { BucketSpec, TableSpec } from './deploy/specs.js';

// Creates the tables and buckets of infra.yaml the way `libaws infra-ensure` does, call for
// call, so that the local state after a start is what AWS's would be after a deploy:
// lib/dynamodb.go DynamoDBEnsure and lib/s3.go S3Ensure (github.com/nathants/libaws).

/** What provisioning did, one line each (printed by the runtime like libaws's log). */
export type ProvisionLog = (line: string) => void;

/** A table whose existing shape cannot be changed into the declared one (libaws refuses the same). */
export class ProvisionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProvisionError';
  }
}

/**
 * One pass of libaws's DynamoDBEnsure: creates the table unless it exists — and then returns
 * at once, as libaws does, so a new table gets its TTL only on the next pass — or, for an
 * existing one, refuses a changed key schema or local indexes (set at creation only), adds
 * missing global indexes and switches TTL on (`ttl=ATTR`) or off (no `ttl=`). Resolves with
 * whether it created the table.
 */
export async function ensureTable(ddb: DynamoDBClient, spec: TableSpec, log: ProvisionLog = () => {}): Promise<'created' | 'existed'> {
  const existing = await describeTable(ddb, spec.name);
  if (!existing) {
    await ddb.send(
      new CreateTableCommand({
        TableName: spec.name,
        KeySchema: spec.keySchema,
        AttributeDefinitions: spec.attributeDefinitions,
        ...(spec.provisioned ? { BillingMode: 'PROVISIONED', ProvisionedThroughput: spec.provisioned } : { BillingMode: 'PAY_PER_REQUEST' }),
        ...(spec.globalIndexes.length > 0 ? { GlobalSecondaryIndexes: spec.globalIndexes } : {}),
        ...(spec.localIndexes.length > 0 ? { LocalSecondaryIndexes: spec.localIndexes } : {}),
      }),
    );
    log(`created table: ${spec.name}`);
    // lib/dynamodb.go DynamoDBEnsure: `Logger.Println("created table:", ...); return nil`.
    return 'created';
  }
  checkUnchangeable(spec, existing);
  await addGlobalIndexes(ddb, spec, existing, log);
  await ensureTimeToLive(ddb, spec, log);
  return 'existed';
}

async function describeTable(ddb: DynamoDBClient, name: string): Promise<TableDescription | undefined> {
  try {
    return (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

/** libaws: "KeySchema can only be set at table creation time", and the same of local indexes. */
function checkUnchangeable(spec: TableSpec, existing: TableDescription): void {
  const keys = (schema: readonly { AttributeName?: string; KeyType?: string }[] | undefined) =>
    JSON.stringify((schema ?? []).map((key) => [key.AttributeName, key.KeyType]));
  if (keys(existing.KeySchema) !== keys(spec.keySchema)) {
    throw new ProvisionError(
      `KeySchema can only be set at table creation time for: ${spec.name} (the table has ${keys(existing.KeySchema)}, infra.yaml declares ${keys(spec.keySchema)}; remove the data directory's table or change infra.yaml back)`,
    );
  }
  const local = (indexes: readonly { IndexName?: string }[] | undefined) => (indexes ?? []).map((index) => index.IndexName).sort().join(',');
  if (local(existing.LocalSecondaryIndexes) !== local(spec.localIndexes)) {
    throw new ProvisionError(`LocalSecondaryIndices can only be set at table creation time for: ${spec.name}`);
  }
}

async function addGlobalIndexes(ddb: DynamoDBClient, spec: TableSpec, existing: TableDescription, log: ProvisionLog): Promise<void> {
  const have = new Set((existing.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  for (const index of spec.globalIndexes) {
    if (have.has(index.IndexName)) continue;
    await ddb.send(
      new UpdateTableCommand({
        TableName: spec.name,
        AttributeDefinitions: spec.attributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
    log(`created global index: ${spec.name} ${index.IndexName}`);
  }
}

/** libaws switches TTL on when `ttl=` is declared and off when it is not (lib/dynamodb.go ~869-905). */
async function ensureTimeToLive(ddb: DynamoDBClient, spec: TableSpec, log: ProvisionLog): Promise<void> {
  const described = (await ddb.send(new DescribeTimeToLiveCommand({ TableName: spec.name }))).TimeToLiveDescription;
  const status = described?.TimeToLiveStatus ?? 'DISABLED';
  if (spec.ttlAttribute === undefined) {
    if (status === 'ENABLED' && described?.AttributeName) {
      await ddb.send(new UpdateTimeToLiveCommand({ TableName: spec.name, TimeToLiveSpecification: { AttributeName: described.AttributeName, Enabled: false } }));
      log(`disable ttl attr: ${described.AttributeName}, table: ${spec.name}`);
    }
    return;
  }
  if (status === 'DISABLED') {
    await ddb.send(new UpdateTimeToLiveCommand({ TableName: spec.name, TimeToLiveSpecification: { AttributeName: spec.ttlAttribute, Enabled: true } }));
    log(`enable ttl attr: ${spec.ttlAttribute}, table: ${spec.name}`);
  }
}

/** Creates the bucket unless it exists, then sets its CORS, versioning and lifecycle as libaws's S3Ensure does (in that order). */
export async function ensureBucket(s3: S3Client, spec: BucketSpec, log: ProvisionLog = () => {}): Promise<void> {
  try {
    await s3.send(new CreateBucketCommand({ Bucket: spec.name }));
    log(`created bucket: ${spec.name}`);
  } catch (error) {
    if (!(error instanceof S3ServiceException && (error.name === 'BucketAlreadyOwnedByYou' || error.name === 'BucketAlreadyExists'))) throw error;
  }
  await ensureCors(s3, spec, log);
  await ensureVersioning(s3, spec, log);
  await ensureLifecycle(s3, spec, log);
}

/**
 * lib/s3.go S3Ensure: `versioning=true` and a status other than Enabled → Enabled;
 * `versioning=false` and a status other than none or Suspended → Suspended (a bucket whose
 * versioning was never set is left so); logged "updated versioning for NAME: BOOL".
 */
async function ensureVersioning(s3: S3Client, spec: BucketSpec, log: ProvisionLog): Promise<void> {
  const status = (await s3.send(new GetBucketVersioningCommand({ Bucket: spec.name }))).Status;
  const needsUpdate = spec.versioning ? status !== 'Enabled' : status !== undefined && status !== 'Suspended';
  if (!needsUpdate) return;
  await s3.send(new PutBucketVersioningCommand({ Bucket: spec.name, VersioningConfiguration: { Status: spec.versioning ? 'Enabled' : 'Suspended' } }));
  log(`updated versioning for ${spec.name}: ${String(spec.versioning)}`);
}

async function ensureCors(s3: S3Client, spec: BucketSpec, log: ProvisionLog): Promise<void> {
  const current = await readOrUndefined(() => s3.send(new GetBucketCorsCommand({ Bucket: spec.name })), 'NoSuchCORSConfiguration');
  if (spec.cors === null) {
    if (current) {
      await s3.send(new DeleteBucketCorsCommand({ Bucket: spec.name }));
      log(`delete cors: ${spec.name}`);
    }
    return;
  }
  if (JSON.stringify(current?.CORSRules ?? null) === JSON.stringify(spec.cors)) return;
  await s3.send(new PutBucketCorsCommand({ Bucket: spec.name, CORSConfiguration: { CORSRules: spec.cors } }));
  log(`put cors: ${spec.name}`);
}

async function ensureLifecycle(s3: S3Client, spec: BucketSpec, log: ProvisionLog): Promise<void> {
  const current = await readOrUndefined(
    () => s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: spec.name })),
    'NoSuchLifecycleConfiguration',
  );
  if (spec.ttlDays === 0) {
    if (current) {
      await s3.send(new DeleteBucketLifecycleCommand({ Bucket: spec.name }));
      log(`deleted bucket ttl for: ${spec.name}`);
    }
    return;
  }
  const rules = current?.Rules ?? [];
  if (rules.length === 1 && rules[0]?.Expiration?.Days === spec.ttlDays) return;
  await s3.send(
    new PutBucketLifecycleConfigurationCommand({
      Bucket: spec.name,
      LifecycleConfiguration: {
        Rules: [{ ID: `ttlDays=${spec.ttlDays}`, Prefix: '', Status: 'Enabled', Expiration: { Days: spec.ttlDays } }],
      },
    }),
  );
  log(`put bucket ttl days for: ${spec.name} ${spec.ttlDays}`);
}

/** The answer of a Get*, or undefined when S3 says there is none (`missingCode`). */
async function readOrUndefined<T>(read: () => Promise<T>, missingCode: string): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof S3ServiceException && error.name === missingCode) return undefined;
    throw error;
  }
}
