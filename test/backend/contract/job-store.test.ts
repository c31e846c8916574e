import { createAwsClients } from '../../../backend/aws/clients.js';
import { createBackendDeps } from '../../../backend/deps.js';
import { createDynamoJobStore } from '../../../backend/jobs/dynamo-store.js';
import { generateCredentials } from '../../../local/aws/credentials.js';
import { createMemoryJobStore, testConfig } from '../helpers/fakes.js';
import { createDeclaredJobsTable, startTestAws } from '../helpers/local-aws.js';
import { listenPlainDynalite } from '../../local/aws/dynamodb/dynalite.js';
import { describeJobStoreContract } from './job-store.js';

// The store as the backend wires it (createBackendDeps: the same clients and options as in
// production), over our local endpoint and over plain dynalite, beside the in-memory fake.

describeJobStoreContract('the in-memory fake', async () => ({ store: createMemoryJobStore(), close: async () => {} }));

describeJobStoreContract('the local endpoint', async () => {
  const aws = await startTestAws();
  const deps = createBackendDeps(testConfig({ jobsTable: aws.table }), aws.clients);
  return { store: deps.jobs, close: () => aws.close() };
});

describeJobStoreContract('the local endpoint through the SDK alone (no signed calls)', async () => {
  const aws = await startTestAws();
  return { store: createDynamoJobStore({ ddb: aws.clients.ddb, table: aws.table }), close: () => aws.close() };
});

describeJobStoreContract('plain dynalite (the jobs table as infra.yaml declares it)', async () => {
  const dynalite = await listenPlainDynalite();
  const clients = createAwsClients({}, { endpoint: dynalite.url, region: 'us-east-1', credentials: generateCredentials() });
  const table = 'jobs';
  await createDeclaredJobsTable(clients.ddb, table);
  const deps = createBackendDeps(testConfig({ jobsTable: table }), clients);
  return {
    store: deps.jobs,
    async close() {
      clients.s3.destroy();
      clients.ddb.destroy();
      clients.lambda.destroy();
      await dynalite.close();
    },
  };
});
