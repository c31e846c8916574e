import type { CreateTableInput } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { Schedule } from './schedule.js';

// The typed model of an infra.yaml, as libaws would deploy it. Every resource keeps the
// 1-based `line` of its name in the file.

const Line = z.number().int().positive();

/** One key of a table or index: `name:type:hash|range` (lib/dynamodb.go: DynamoDBEnsureInput). */
export const KeyElement = z.object({
  attributeName: z.string().min(1),
  attributeType: z.enum(['S', 'N', 'B']),
  keyType: z.enum(['HASH', 'RANGE']),
});
export type KeyElement = z.infer<typeof KeyElement>;

/** What an index holds besides the keys. */
export const Projection = z.object({
  type: z.enum(['ALL', 'KEYS_ONLY', 'INCLUDE']),
  nonKeyAttributes: z.array(z.string()),
});
export type Projection = z.infer<typeof Projection>;

/** Provisioned capacity units. */
export const Throughput = z.object({ read: z.number().int().positive(), write: z.number().int().positive() });
export type Throughput = z.infer<typeof Throughput>;

/** A global or local secondary index. */
export const SecondaryIndex = z.object({
  name: z.string().min(1),
  keys: z.array(KeyElement).min(1).max(2),
  projection: Projection,
  /** A global index's own capacity (only on a provisioned table). */
  provisioned: Throughput.optional(),
});
export type SecondaryIndex = z.infer<typeof SecondaryIndex>;

/** Pay per request unless `read`/`write` capacity is given (libaws: "BillingMode is implied"). */
export const Billing = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('PAY_PER_REQUEST') }),
  z.object({ mode: z.literal('PROVISIONED'), read: z.number().int().positive(), write: z.number().int().positive() }),
]);
export type Billing = z.infer<typeof Billing>;

/** A DynamoDB table. */
export const Table = z.object({
  name: z.string(),
  line: Line,
  keys: z.array(KeyElement).min(1).max(2),
  attributeDefinitions: z.array(z.object({ attributeName: z.string(), attributeType: z.enum(['S', 'N', 'B']) })),
  /** The TTL attribute (`ttl=ATTR`); libaws switches TTL on only when it finds the table existing. */
  ttlAttribute: z.string().min(1).optional(),
  billing: Billing,
  streamViewType: z.enum(['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES']).optional(),
  globalIndexes: z.array(SecondaryIndex),
  localIndexes: z.array(SecondaryIndex),
  /** SSE with this KMS key (`SSESpecification.KMSMasterKeyId=`); otherwise DynamoDB's default encryption. */
  kmsMasterKeyId: z.string().optional(),
  /** Tags, `libaws.infraset: <set name>` included. */
  tags: z.record(z.string(), z.string()),
  /** Exactly the CreateTable input libaws sends when the table does not exist. */
  createTableInput: z.custom<CreateTableInput>((value) => typeof value === 'object' && value !== null),
});
export type Table = z.infer<typeof Table>;

/** One CORS rule in PutBucketCors's shape. */
export const CorsRule = z.object({
  AllowedHeaders: z.array(z.string()),
  AllowedMethods: z.array(z.string()),
  AllowedOrigins: z.array(z.string()),
  ExposeHeaders: z.array(z.string()),
  MaxAgeSeconds: z.number().int(),
});
export type CorsRule = z.infer<typeof CorsRule>;

/** An S3 bucket (lib/s3.go: S3EnsureInput, S3Ensure). */
export const Bucket = z.object({
  name: z.string(),
  line: Line,
  /** `private` blocks all public access; `public` adds a policy letting anyone GetObject. */
  acl: z.enum(['private', 'public']),
  /**
   * libaws's tri-state `cors=`: true (or any `corsorigin=`) writes `corsRules`; false deletes any
   * CORS configuration; undefined (not declared) also deletes an existing one in S3Ensure, so
   * the bucket ends without CORS either way.
   */
  cors: z.boolean().optional(),
  corsOrigins: z.array(z.string()),
  /** The CORS rules S3Ensure writes (lib/s3.go: s3Cors), or [] when `cors` is not true. */
  corsRules: z.array(CorsRule),
  /** Objects expire after this many days (a lifecycle rule); 0 = never. */
  ttlDays: z.number().int().nonnegative(),
  versioning: z.boolean(),
  metrics: z.boolean(),
  /** Always true: libaws puts SSE-S3 (AES256) default encryption on every bucket. */
  encryption: z.literal(true),
  /** Service principals `allow_put=` lets PutObject into the bucket (a bucket policy). */
  allowPut: z.array(z.string()),
});
export type Bucket = z.infer<typeof Bucket>;

/** A container image in ECR, as `entrypoint` names it. */
export const ImageEntrypoint = z.object({
  kind: z.literal('image'),
  uri: z.string(),
  account: z.string().regex(/^\d{12}$/),
  region: z.string(),
  repository: z.string(),
  digest: z.string().optional(),
  tag: z.string().optional(),
});
export type ImageEntrypoint = z.infer<typeof ImageEntrypoint>;

/** A Go or Python entrypoint, which libaws builds into a zip. */
export const ZipEntrypoint = z.object({
  kind: z.enum(['go', 'python']),
  /** The file, joined to infra.yaml's directory as libaws joins it. */
  path: z.string(),
  runtime: z.string(),
  handler: z.string(),
});
export type ZipEntrypoint = z.infer<typeof ZipEntrypoint>;

/** What the function runs. */
export const Entrypoint = z.union([ImageEntrypoint, ZipEntrypoint]);
export type Entrypoint = z.infer<typeof Entrypoint>;

/** One `allow` line: an inline policy allowing one action on one resource (lib/iam.go: IamEnsureRoleAllows). */
export const Allow = z.object({
  action: z.string(),
  /** May still hold `${API_ID}`/`${WEBSOCKET_ID}`, which libaws resolves once the api/websocket trigger exists. */
  resource: z.string(),
  line: Line,
  /** The inline policy's name on the role (lib/iam.go: IamAllow.policyName). */
  policyName: z.string(),
});
export type Allow = z.infer<typeof Allow>;

/** An HTTP API (API Gateway v2, payload 1.0) in front of the function, optionally on a custom domain. */
export const ApiTrigger = z.object({
  type: z.literal('api'),
  line: Line,
  /** `dns=`: a custom domain plus its Route 53 record. */
  dns: z.string().optional(),
  /** `domain=`: a custom domain without a Route 53 record. */
  domain: z.string().optional(),
});
export type ApiTrigger = z.infer<typeof ApiTrigger>;

/** An EventBridge rule invoking the function on a schedule. */
export const ScheduleTrigger = z.object({
  type: z.literal('schedule'),
  line: Line,
  expression: z.string(),
  schedule: Schedule,
  /** The rule's name (lib/lambda.go: lambdaScheduleName). */
  ruleName: z.string(),
});
export type ScheduleTrigger = z.infer<typeof ScheduleTrigger>;

/** A trigger the local runtime does not model, with its attrs as written. */
export const OtherTrigger = z.object({
  type: z.enum(['sqs', 's3', 'dynamodb', 'ecr', 'websocket', 'ses', 'url']),
  line: Line,
  attrs: z.array(z.string()),
});
export type OtherTrigger = z.infer<typeof OtherTrigger>;

/** Anything that invokes the function. */
export const Trigger = z.union([ApiTrigger, ScheduleTrigger, OtherTrigger]);
export type Trigger = z.infer<typeof Trigger>;

/** A Lambda function with its role, log group and triggers (lib/lambda.go: lambdaEnsure). */
export const Lambda = z.object({
  name: z.string(),
  line: Line,
  entrypoint: Entrypoint,
  /** The execution role's name: the function's name (lib/iam.go: IamEnsureRole). */
  roleName: z.string(),
  /** The role's path, `/lambda/<name>-path/`. */
  rolePath: z.string(),
  /** `/aws/lambda/<name>`, with `logsTtlDays` retention. */
  logGroupName: z.string(),
  /** Default 300. */
  timeoutSeconds: z.number().int().min(1).max(900),
  /** Default 128. */
  memoryMb: z.number().int().min(128).max(10240),
  /** Reserved concurrency: 0 (the default) = unreserved, the account's pool; N = N reserved (and at most N at once). */
  concurrency: z.number().int().nonnegative(),
  /** Log retention in days (default 7); 0 leaves a new log group's events forever. */
  logsTtlDays: z.number().int().nonnegative(),
  env: z.record(z.string(), z.string()),
  /** Managed policies attached to the role, by name. */
  policy: z.array(z.string()),
  allow: z.array(Allow),
  /** Extra files for a zip entrypoint, as written. */
  include: z.array(z.string()),
  /** Python requirements for a zip entrypoint, as written. */
  require: z.array(z.string()),
  triggers: z.array(Trigger),
});
export type Lambda = z.infer<typeof Lambda>;

/** An SQS queue, attrs as written (the local runtime does not provision SQS). */
export const Queue = z.object({ name: z.string(), line: Line, attrs: z.array(z.string()) });
export type Queue = z.infer<typeof Queue>;

/** A declared resource the local runtime does not model (EC2 keypairs, VPCs, instance profiles). */
export const UnmodeledResource = z.object({
  section: z.enum(['keypair', 'vpc', 'instance-profile']),
  name: z.string(),
  line: Line,
});
export type UnmodeledResource = z.infer<typeof UnmodeledResource>;

/** An infrastructure set: what `libaws infra-ensure infra.yaml` would create. */
export const InfraSet = z.object({
  name: z.string().min(1),
  /** The file it was read from. */
  file: z.string(),
  dynamodb: z.array(Table),
  s3: z.array(Bucket),
  lambda: z.array(Lambda),
  sqs: z.array(Queue),
  unmodeled: z.array(UnmodeledResource),
});
export type InfraSet = z.infer<typeof InfraSet>;
