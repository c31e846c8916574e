import { describeSqsContract } from './sqs/contract/index.js';
import { makeTempDir, startOurSqs } from './sqs/servers.js';

// The SQS contract against our endpoint (SigV4 verified, persisted). No third-party peer runs
// here: ElasticMQ needs a JVM, and the npm emulators need Node 22 (see bench/sqs.ts).
describeSqsContract('our endpoint', async () => {
  const tmp = makeTempDir('sqs-contract-');
  const target = await startOurSqs(tmp.dir);
  return {
    ...target,
    async close() {
      await target.close();
      tmp.remove();
    },
  };
});
