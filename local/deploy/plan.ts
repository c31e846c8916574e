import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_REGION } from '../aws/index.js';
import { InvalidPolicyError, LOCAL_ACCOUNT_ID, managedPolicy, policyFromAllowLine, type PolicyDocument, type RoleSpec } from '../aws/iam/index.js';
import { InfraError, loadInfra, nextFireTime, resolveInfraVariables, type InfraProblem, type InfraSet, type Lambda, type Queue, type Table } from '../infra/index.js';
import type { Schedule } from '../scheduler.js';
import type { InfraFiles } from './files.js';
import type { BucketSpec, QueueSpec, TableSpec } from './specs.js';

/** A function of infra.yaml as the local Lambda service registers it. */
export interface FunctionSpec {
  name: string;
  timeoutSeconds: number;
  memoryMb: number;
  /** libaws's `concurrency=N`: 0 = unreserved. */
  reservedConcurrency: number;
  env: Record<string, string>;
  /** Its execution role: the managed policies of its `policy` lines and one inline policy per `allow` line. */
  role: RoleSpec;
}

/** Everything the local runtime starts, read from infra.yaml. */
export interface DeploymentPlan {
  infraFile: string;
  account: string;
  region: string;
  tables: TableSpec[];
  buckets: BucketSpec[];
  /** The queues of the `sqs` section, made on the local SQS. */
  queues: QueueSpec[];
  functions: FunctionSpec[];
  /** The function behind the `api` trigger, served by the local gateway. */
  api: { functionName: string };
  schedules: Schedule[];
  /** The API function's bucket and tables (its PROJECT_BUCKET, PROJECT_TABLE and PROJECT_JOBS_TABLE), for local.json. */
  bucket: string;
  table: string;
  /** The jobs table (job records, share links); the auth table when the API function names none. */
  jobsTable: string;
  /** The module every container-image function runs locally (see below). */
  backendModule: string;
  /** Local-only additions to every function's environment (not in infra.yaml; see localEnv). */
  localEnv: Record<string, string>;
}

/**
 * The values the local runtime gives the `${VAR}`s of the deploy step: they win over the
 * template and the environment (a real account id in the environment would make local ARNs
 * name an account the endpoint is not). The digest names no image: locally the functions run
 * the backend module of this checkout instead (see backendModule).
 */
export function localVariables(region: string): Record<string, string> {
  return {
    PROJECT_ACCOUNT: LOCAL_ACCOUNT_ID,
    PROJECT_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_REGION: region,
    PROJECT_IMAGE_DIGEST: `sha256:${'0'.repeat(64)}`,
  };
}

/**
 * Reads infra.yaml (with libaws's semantics, `${VAR}`s from the env template overlaid by `env`
 * and the local values) and turns it into what the local runtime starts; refuses, naming the
 * line, what libaws would refuse and what the local runtime cannot model. Starts nothing.
 */
export function loadDeploymentPlan(options: InfraFiles & { env: Readonly<Record<string, string | undefined>> }): DeploymentPlan {
  const region = DEFAULT_REGION;
  const variables = resolveInfraVariables({ templateFile: options.envTemplate, env: options.env, local: localVariables(region) });
  const infra = loadInfra(options.infraFile, variables);
  const problems: InfraProblem[] = [];
  const refuse = (line: number | undefined, message: string) => problems.push({ file: infra.file, ...(line === undefined ? {} : { line }), message });
  checkModelled(infra, refuse);
  const functions = infra.lambda.map((lambda) => toFunctionSpec(lambda, refuse));
  const apis = infra.lambda.filter((lambda) => lambda.triggers.some((trigger) => trigger.type === 'api'));
  if (apis.length !== 1) {
    refuse(apis[1]?.line, `the local runtime serves exactly one function with an api trigger on its gateway; infra.yaml declares ${apis.length}`);
  }
  const api = apis[0];
  const bucket = api?.env.PROJECT_BUCKET;
  const table = api?.env.PROJECT_TABLE ?? api?.env.PROJECT_NAME;
  if (api && !infra.s3.some((declared) => declared.name === bucket)) {
    refuse(api.line, `the api function's PROJECT_BUCKET (${bucket ?? 'not set'}) is not a bucket of this file`);
  }
  if (api && !infra.dynamodb.some((declared) => declared.name === table)) {
    refuse(api.line, `the api function's PROJECT_TABLE (${table ?? 'not set'}) is not a table of this file`);
  }
  const jobsTable = api?.env.PROJECT_JOBS_TABLE ?? table;
  if (api && !infra.dynamodb.some((declared) => declared.name === jobsTable)) {
    refuse(api.line, `the api function's PROJECT_JOBS_TABLE (${jobsTable ?? 'not set'}) is not a table of this file`);
  }
  if (problems.length > 0 || !api || bucket === undefined || table === undefined || jobsTable === undefined) throw new InfraError(problems);
  return {
    infraFile: infra.file,
    account: LOCAL_ACCOUNT_ID,
    region,
    tables: infra.dynamodb.map(toTableSpec),
    buckets: infra.s3.map((declared) => ({
      name: declared.name,
      cors: declared.cors === true ? declared.corsRules : null,
      ttlDays: declared.ttlDays,
      versioning: declared.versioning,
    })),
    queues: infra.sqs.map((queue) => toQueueSpec(queue, infra.name)),
    functions,
    api: { functionName: api.name },
    schedules: schedulesOf(infra, region),
    bucket,
    table,
    jobsTable,
    backendModule: resolveBackendModule(),
    // Local only, not in infra.yaml: the SDK's notice that Node 20 support ends is noise in
    // every worker (the Lambda image runs Node 22); webhook receivers on this machine are
    // allowed (on AWS loopback is the Lambda runtime API: backend/events/url-rule.ts).
    localEnv: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', WEBHOOK_ALLOW_PRIVATE_HOSTS: 'true' },
  };
}

/** Refuses what libaws would deploy but the local runtime does not model, rather than pretending. */
function checkModelled(infra: InfraSet, refuse: (line: number | undefined, message: string) => void): void {
  for (const resource of infra.unmodeled) refuse(resource.line, `${resource.section} ${resource.name}: the local runtime does not model EC2 resources`);
  for (const table of infra.dynamodb) {
    if (table.streamViewType) refuse(table.line, `table ${table.name}: the local DynamoDB has no streams (StreamSpecification.StreamViewType)`);
  }
  for (const bucket of infra.s3) {
    if (bucket.acl === 'public') refuse(bucket.line, `bucket ${bucket.name}: acl=public (anonymous reads) is not modelled by the local S3; use acl=private`);
  }
  for (const lambda of infra.lambda) {
    if (lambda.entrypoint.kind !== 'image') {
      refuse(lambda.line, `lambda ${lambda.name}: the local runtime runs container-image functions built from this repository (entrypoint ${lambda.entrypoint.path})`);
    }
    for (const trigger of lambda.triggers) {
      if (trigger.type !== 'api' && trigger.type !== 'schedule') {
        refuse(trigger.line, `lambda ${lambda.name}: a ${trigger.type} trigger is valid for libaws but not modelled by the local runtime (it models api and schedule)`);
      }
    }
  }
}

function toFunctionSpec(lambda: Lambda, refuse: (line: number | undefined, message: string) => void): FunctionSpec {
  const policies: PolicyDocument[] = [];
  for (const name of lambda.policy) {
    try {
      policies.push(managedPolicy(name));
    } catch (error) {
      if (!(error instanceof InvalidPolicyError)) throw error;
      refuse(lambda.line, `lambda ${lambda.name}: policy ${name}: ${error.message}`);
    }
  }
  for (const allow of lambda.allow) {
    try {
      policies.push(policyFromAllowLine(`${allow.action} ${allow.resource}`));
    } catch (error) {
      if (!(error instanceof InvalidPolicyError)) throw error;
      refuse(allow.line, `lambda ${lambda.name}: allow: ${error.message}`);
    }
  }
  return {
    name: lambda.name,
    timeoutSeconds: lambda.timeoutSeconds,
    memoryMb: lambda.memoryMb,
    reservedConcurrency: lambda.concurrency,
    env: lambda.env,
    role: { name: lambda.roleName, path: lambda.rolePath, policies },
  };
}

// lib/sqs.go SQSEnsureInput: each attr line lower-cased, `name=N`, by its short or long name.
const QUEUE_ATTRIBUTE_NAMES: Readonly<Record<string, string>> = {
  delayseconds: 'DelaySeconds',
  delay: 'DelaySeconds',
  maximummessagesize: 'MaximumMessageSize',
  size: 'MaximumMessageSize',
  messageretentionperiod: 'MessageRetentionPeriod',
  retention: 'MessageRetentionPeriod',
  receivemessagewaittimeseconds: 'ReceiveMessageWaitTimeSeconds',
  wait: 'ReceiveMessageWaitTimeSeconds',
  visibilitytimeout: 'VisibilityTimeout',
  timeout: 'VisibilityTimeout',
  kmsdatakeyreuseperiodseconds: 'KmsDataKeyReusePeriodSeconds',
};

/**
 * A queue as libaws creates it (lib/sqs.go: SQSEnsureInput.Attrs, SQSEnsure): `KmsMasterKeyId:
 * alias/aws/sqs` always, each attr by its API name with the value as a decimal (Go's
 * fmt.Sprint of the parsed int), and the tag `libaws.infraset` (lib/infra.go: infraSetTagName).
 * The reader (local/infra/other.ts) already refused unknown attrs and non-integers.
 */
function toQueueSpec(queue: Queue, infraSetName: string): QueueSpec {
  const attributes: Record<string, string> = { KmsMasterKeyId: 'alias/aws/sqs' };
  for (const line of queue.attrs) {
    const [key = '', value = ''] = line.toLowerCase().split(/=(.*)/s);
    const name = QUEUE_ATTRIBUTE_NAMES[key];
    if (name !== undefined) attributes[name] = String(Number.parseInt(value, 10));
  }
  return { name: queue.name, attributes, tags: { 'libaws.infraset': infraSetName } };
}

function toTableSpec(table: Table): TableSpec {
  const keySchema = (keys: Table['keys']) => keys.map((key) => ({ AttributeName: key.attributeName, KeyType: key.keyType }));
  const projection = (index: Table['globalIndexes'][number]) => ({
    ProjectionType: index.projection.type,
    ...(index.projection.nonKeyAttributes.length > 0 ? { NonKeyAttributes: index.projection.nonKeyAttributes } : {}),
  });
  return {
    name: table.name,
    keySchema: keySchema(table.keys),
    attributeDefinitions: table.attributeDefinitions.map((definition) => ({ AttributeName: definition.attributeName, AttributeType: definition.attributeType })),
    ...(table.billing.mode === 'PROVISIONED' ? { provisioned: { ReadCapacityUnits: table.billing.read, WriteCapacityUnits: table.billing.write } } : {}),
    globalIndexes: table.globalIndexes.map((index) => ({
      IndexName: index.name,
      KeySchema: keySchema(index.keys),
      Projection: projection(index),
      ...(index.provisioned ? { ProvisionedThroughput: { ReadCapacityUnits: index.provisioned.read, WriteCapacityUnits: index.provisioned.write } } : {}),
    })),
    localIndexes: table.localIndexes.map((index) => ({ IndexName: index.name, KeySchema: keySchema(index.keys), Projection: projection(index) })),
    ...(table.ttlAttribute !== undefined ? { ttlAttribute: table.ttlAttribute } : {}),
  };
}

/** Each schedule trigger as EventBridge runs it: a rule named as libaws names it (lib/lambda.go: lambdaScheduleName). */
function schedulesOf(infra: InfraSet, region: string): Schedule[] {
  return infra.lambda.flatMap((lambda) =>
    lambda.triggers.flatMap((trigger) =>
      trigger.type === 'schedule'
        ? [
            {
              functionName: lambda.name,
              expression: trigger.expression,
              ruleArn: `arn:aws:events:${region}:${LOCAL_ACCOUNT_ID}:rule/${trigger.ruleName}`,
              next: (after: Date) => nextFireTime(trigger.schedule, after),
            },
          ]
        : [],
    ),
  );
}

/**
 * The module every container-image function of infra.yaml runs locally: the backend's Lambda
 * handler of this checkout (compiled, or the TypeScript source under tsx). Locally there is no
 * Docker: this stands for the image the Dockerfile builds, whose CMD is the same handler
 * bundled (`index.handler`, from backend/lambda.ts). Marked here, not in infra.yaml, because
 * libaws cannot express it.
 */
function resolveBackendModule(): string {
  for (const candidate of ['../../backend/lambda.js', '../../backend/lambda.ts']) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error('Expected the backend module next to the runtime (backend/lambda.js); run `npm run build`');
}
