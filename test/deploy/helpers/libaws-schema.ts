import { z } from 'zod';

// libaws's infra.yaml format and attributes as its readme documents them ("infra.yaml",
// "s3", "dynamodb", "lambda": attr, policy, allow, env, include, require, trigger types).

const matching = (pattern: RegExp, what: string) => z.string().regex(pattern, { error: (issue) => `Expected ${what}, got ${JSON.stringify(issue.input)}` });

const integerIn = (min: number, max: number) => (value: string) => {
  const n = Number(value);
  return Number.isInteger(n) && n >= min && n <= max;
};

const S3Attr = z.union([
  matching(/^acl=(public|private)$/, 'acl=public|private'),
  matching(/^versioning=(true|false)$/, 'versioning=true|false'),
  matching(/^metrics=(true|false)$/, 'metrics=true|false'),
  matching(/^cors=(true|false)$/, 'cors=true|false'),
  matching(/^ttldays=\d+$/, 'ttldays=<days>'),
]);

const DynamoKey = matching(/^[A-Za-z0-9_.-]+:[sSnNbB]:(hash|range)$/, 'a key NAME:ATTR_TYPE:KEY_TYPE (type s, n or b; key hash or range)');
const DynamoAttr = matching(
  /^((read|write|ProvisionedThroughput\.(ReadCapacityUnits|WriteCapacityUnits))=\d+|(stream|StreamSpecification\.StreamViewType)=\w+|(Local|Global)SecondaryIndexes\.\d+\.(IndexName|Key\.\d+|Projection\.ProjectionType|Projection\.NonKeyAttributes\.\d+|ProvisionedThroughput\.(Read|Write)CapacityUnits)=.+)$/,
  'a documented dynamodb attribute (read, write, stream, ...SecondaryIndexes...)',
);

const LambdaAttr = z.union([
  matching(/^concurrency=\d+$/, 'concurrency=<n>'),
  matching(/^memory=\d+$/, 'memory=<MB>').refine((line) => integerIn(128, 10240)(line.slice('memory='.length)), 'Expected memory from 128 to 10240 MB'),
  matching(/^timeout=\d+$/, 'timeout=<seconds>').refine((line) => integerIn(1, 900)(line.slice('timeout='.length)), 'Expected timeout from 1 to 900 s'),
  matching(/^logs-ttl-days=\d+$/, 'logs-ttl-days=<days>'),
]);

const DomainAttr = matching(/^(domain|dns)=[a-z0-9.-]+\.[a-z]{2,}$/, 'domain=NAME or dns=NAME');

const Trigger = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('api'), attr: z.array(DomainAttr).optional() }),
  z.strictObject({ type: z.literal('websocket'), attr: z.array(DomainAttr).optional() }),
  z.strictObject({ type: z.literal('s3'), attr: z.tuple([z.string().min(3)]) }),
  z.strictObject({ type: z.literal('dynamodb'), attr: z.array(z.string()).min(1) }),
  z.strictObject({ type: z.literal('sqs'), attr: z.array(z.string()).min(1) }),
  z.strictObject({ type: z.literal('schedule'), attr: z.tuple([matching(/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$/, 'a schedule expression rate(...) or cron(...)')]) }),
  z.strictObject({ type: z.literal('ecr') }),
]);

const Allow = matching(/^[a-z0-9-]+:[A-Za-z*]+ (\*|arn:\S+)$/, 'an allow line SERVICE:ACTION ARN');
const EnvLine = matching(/^[A-Za-z_][A-Za-z0-9_]*=.*$/, 'an env line KEY=VALUE');

const Lambda = z.strictObject({
  entrypoint: z.string().min(1),
  attr: z.array(LambdaAttr).optional(),
  policy: z.array(z.string().min(1)).optional(),
  allow: z.array(Allow).optional(),
  env: z.array(EnvLine).optional(),
  include: z.array(z.string()).optional(),
  require: z.array(z.string()).optional(),
  trigger: z.array(Trigger).optional(),
});

/** An infra.yaml: the infrastructure set (only the parts aws-exec could use are detailed). */
export const InfraSet = z.strictObject({
  name: z.string().min(1),
  lambda: z.record(z.string(), Lambda).optional(),
  s3: z.record(z.string(), z.strictObject({ attr: z.array(S3Attr).optional() })).optional(),
  dynamodb: z.record(z.string(), z.strictObject({ key: z.array(DynamoKey).min(1), attr: z.array(DynamoAttr).optional() })).optional(),
  sqs: z.record(z.string(), z.strictObject({ attr: z.array(z.string()).optional() })).optional(),
  vpc: z.record(z.string(), z.unknown()).optional(),
  keypair: z.record(z.string(), z.strictObject({ 'pubkey-content': z.string() })).optional(),
  'instance-profile': z.record(z.string(), z.strictObject({ allow: z.array(Allow).optional(), policy: z.array(z.string()).optional() })).optional(),
});
export type InfraSet = z.infer<typeof InfraSet>;
