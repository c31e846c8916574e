// The provisioning step of the local runtime, run once per start in a short-lived child
// process (`provisionInChild` below forks it) so that the AWS SDK it needs never loads into
// the runtime's long-lived process: that keeps the runtime's resident memory small.
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createAuthKey, removeAuthKeys } from '../backend/auth/admin.js';
import { createAuthLookup } from '../backend/auth/lookup.js';
import { ensureBucket, ensureTable } from './provision.js';
import { ensureQueue } from './provision-sqs.js';
import { ProvisionRequest, type ProvisionResult } from './provision-child.js';

const FIRST_AUTH_NAME = 'local';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Creates the tables and buckets of infra.yaml as libaws would, and makes sure a first auth key works. */
async function provision(request: ProvisionRequest): Promise<ProvisionResult> {
  const log: string[] = [];
  const clientConfig = {
    endpoint: request.endpoint,
    region: request.region,
    credentials: request.credentials,
    forcePathStyle: true,
  };
  const s3 = new S3Client(clientConfig);
  const ddbClient = new DynamoDBClient(clientConfig);
  const ddb = DynamoDBDocumentClient.from(ddbClient);
  const { forcePathStyle: _s3Only, ...sqsConfig } = clientConfig;
  const sqs = new SQSClient({ ...sqsConfig, useQueueUrlAsEndpoint: false });
  try {
    for (const bucket of request.buckets) await ensureBucket(s3, bucket, (line) => log.push(line));
    for (const table of request.tables) {
      // Two passes for a new table, as bin/ensure.sh runs `libaws infra-ensure` twice after it
      // created one: libaws returns right after CreateTable, before the table's TTL step.
      if ((await ensureTable(ddbClient, table, (line) => log.push(line))) === 'created') await ensureTable(ddbClient, table, (line) => log.push(line));
    }
    for (const queue of request.queues) await ensureQueue(sqs, queue, (line) => log.push(line));
    return { auth: await ensureFirstAuthKey({ ddb, table: request.authTable }, request.recordedAuth), log };
  } finally {
    s3.destroy();
    ddbClient.destroy();
    sqs.destroy();
  }
}

/** Keeps the key recorded in local.json while it is valid; otherwise (re)creates the `local` key. */
async function ensureFirstAuthKey(
  deps: { ddb: DynamoDBDocumentClient; table: string },
  recorded: string | undefined,
): Promise<string> {
  // The lookup the backend uses: a key of an earlier release (SHA-256) is kept too.
  if (recorded !== undefined && (await createAuthLookup({ ...deps, cacheMs: 0 }).findName(recorded)) !== undefined) return recorded;
  await removeAuthKeys(deps, FIRST_AUTH_NAME, { all: true });
  return (await createAuthKey(deps, FIRST_AUTH_NAME)).key;
}

process.once('message', (message: unknown) => {
  const request = ProvisionRequest.safeParse(message);
  if (!request.success) {
    process.send?.({ error: `Expected a provisioning request: ${request.error.message}` }, () => process.exit(2));
    return;
  }
  provision(request.data).then(
    (result) => process.send?.(result, () => process.exit(0)),
    (error: unknown) => process.send?.({ error: error instanceof Error ? error.message : String(error) }, () => process.exit(1)),
  );
});
