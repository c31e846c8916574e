import { join } from 'node:path';
import { startLocalAws, type LocalAws } from './aws/index.js';

/** Where `serve --aws-only` keeps its state and listens. */
export interface AwsOnlyOptions {
  dataDir: string;
  /** The endpoint's port (default 4566; 0 picks a free one). */
  awsPort?: number;
  /** Where it says what it does (default: stdout). */
  log?: (line: string) => void;
}

/**
 * Starts the local AWS endpoint alone (`aws-exec serve --aws-only`): no gateway, no functions,
 * nothing provisioned from infra.yaml. Each service loads on its first request, so an idle
 * endpoint holds little more than Node and an HTTP server (README, "Memory"). The data
 * directory is the runtime's: buckets, tables and objects of earlier runs are there.
 */
export async function startAwsOnly(options: AwsOnlyOptions): Promise<LocalAws> {
  const log = options.log ?? ((line: string) => console.log(line));
  const aws = await startLocalAws({ dataDir: options.dataDir, port: options.awsPort ?? 4566 });
  log('the local AWS endpoint is running (S3, DynamoDB, Lambda; each loads on its first request)');
  log(`  endpoint:  ${aws.endpoint} (region ${aws.region}, account ${aws.accountId})`);
  log(`  key:       AWS_ACCESS_KEY_ID=${aws.credentials.accessKeyId} AWS_SECRET_ACCESS_KEY=${aws.credentials.secretAccessKey}`);
  log(`             (the account root; kept in ${join(options.dataDir, 'credentials.json')})`);
  log(`  data dir:  ${options.dataDir}`);
  log(`try: aws --endpoint-url ${aws.endpoint} s3 ls`);
  return aws;
}
