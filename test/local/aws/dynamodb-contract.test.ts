import { describeDynamoDbContract } from './dynamodb/contract/index.js';
import { makeTempDir, startOurDynamoDb, startPlainDynalite } from './dynamodb/servers.js';

// The same contract, against our endpoint (SigV4 verified, persisted) and against plain
// dynalite as a third-party peer: every assertion in it also holds on real DynamoDB.
describeDynamoDbContract('our endpoint', async () => {
  const tmp = makeTempDir('ddb-contract-');
  const target = await startOurDynamoDb(tmp.dir);
  return {
    ...target,
    async close() {
      await target.close();
      tmp.remove();
    },
  };
});

describeDynamoDbContract('plain dynalite', () => startPlainDynalite());
