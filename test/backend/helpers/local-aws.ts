import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { createAwsClients, type AwsClients } from '../../../backend/aws/clients.js';
import { startLocalAws, type LambdaService, type LocalAws } from '../../../local/aws/index.js';
import { defaultInfraFiles } from '../../../local/deploy/files.js';
import { loadDeploymentPlan } from '../../../local/deploy/plan.js';

/** The local AWS endpoint on a free port, with the project's bucket and table created. */
export interface TestAws {
  aws: LocalAws;
  /** The endpoint's Lambda service, to register functions. */
  lambda: LambdaService;
  clients: AwsClients;
  bucket: string;
  table: string;
  close(): Promise<void>;
}

/**
 * The jobs table's shape as infra.yaml declares it (keys and global indexes). Backend tests keep
 * keys and jobs in one table of that shape: the keys table's key is the same, and the index only
 * holds job records.
 */
function declaredTable() {
  const plan = loadDeploymentPlan({ ...defaultInfraFiles(), env: process.env });
  const spec = plan.tables.find((table) => table.name === plan.jobsTable);
  if (!spec) throw new Error('Expected infra.yaml to declare the jobs table');
  return spec;
}

/** Starts the real local endpoint (S3, DynamoDB, Lambda) in a fresh data directory, with the table shaped as infra.yaml declares it. */
export async function startTestAws(): Promise<TestAws> {
  const dataDir = mkdtempSync(join(tmpdir(), 'aws-exec-backend-'));
  const aws = await startLocalAws({ dataDir, port: 0 });
  const clients = createAwsClients({}, { endpoint: aws.endpoint, region: aws.region, credentials: aws.credentials });
  const bucket = 'test-bucket';
  const table = 'test-table';
  await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const declared = declaredTable();
  await clients.ddb.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: declared.attributeDefinitions,
      KeySchema: declared.keySchema,
      BillingMode: 'PAY_PER_REQUEST',
      ...(declared.globalIndexes.length > 0 ? { GlobalSecondaryIndexes: declared.globalIndexes } : {}),
    }),
  );
  return {
    aws,
    lambda: await aws.loadLambda(),
    clients,
    bucket,
    table,
    async close() {
      clients.s3.destroy();
      clients.ddb.destroy();
      clients.lambda.destroy();
      await aws.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
