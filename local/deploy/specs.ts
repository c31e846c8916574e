import { z } from 'zod';
import { CorsRule } from '../infra/index.js';

// What the local runtime creates, in the terms of the AWS APIs it calls: one table, bucket or
// function of infra.yaml each, already translated with libaws's semantics (see plan.ts). The
// tables and buckets cross a process boundary (the provisioning child), hence the schemas.

const KeySchema = z.array(z.object({ AttributeName: z.string(), KeyType: z.enum(['HASH', 'RANGE']) }));
const Projection = z.object({ ProjectionType: z.enum(['ALL', 'KEYS_ONLY', 'INCLUDE']), NonKeyAttributes: z.optional(z.array(z.string())) });
const Throughput = z.object({ ReadCapacityUnits: z.number(), WriteCapacityUnits: z.number() });

/** A DynamoDB table as libaws's DynamoDBEnsureInput builds its CreateTable input (lib/dynamodb.go). */
export const TableSpec = z.object({
  name: z.string(),
  keySchema: KeySchema,
  attributeDefinitions: z.array(z.object({ AttributeName: z.string(), AttributeType: z.enum(['S', 'N', 'B']) })),
  /** Absent: on-demand (PAY_PER_REQUEST), libaws's default. */
  provisioned: z.optional(Throughput),
  globalIndexes: z.array(z.object({ IndexName: z.string(), KeySchema, Projection, ProvisionedThroughput: z.optional(Throughput) })),
  localIndexes: z.array(z.object({ IndexName: z.string(), KeySchema, Projection })),
  /** `ttl=ATTR`: TTL on that attribute; absent: libaws switches TTL off. */
  ttlAttribute: z.optional(z.string()),
});
export type TableSpec = z.infer<typeof TableSpec>;

/** An S3 bucket as libaws's S3Ensure leaves it (lib/s3.go). */
export const BucketSpec = z.object({
  name: z.string(),
  /** The rules libaws writes (`cors=true` / `corsorigin=`), or null: libaws deletes the bucket's CORS. */
  cors: z.nullable(z.array(CorsRule)),
  /** `ttldays=N`: a lifecycle rule expiring every object after N days; 0: libaws deletes the lifecycle. */
  ttlDays: z.number().int().min(0),
  /** `versioning=true`: versioning Enabled; false: libaws suspends it if it was ever enabled. */
  versioning: z.boolean(),
});
export type BucketSpec = z.infer<typeof BucketSpec>;

/**
 * An SQS queue as libaws's SQSEnsure creates it (lib/sqs.go: SQSEnsureInput.Attrs and
 * SQSEnsure): the attributes of its `attr` lines by their API names, plus `KmsMasterKeyId:
 * alias/aws/sqs`, which libaws always sets, and the tag naming its infrastructure set.
 */
export const QueueSpec = z.object({
  name: z.string(),
  attributes: z.record(z.string(), z.string()),
  tags: z.record(z.string(), z.string()),
});
export type QueueSpec = z.infer<typeof QueueSpec>;
