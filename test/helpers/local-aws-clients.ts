import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalJson } from '../../local/local-json.js';

/** AWS SDK clients of a running local runtime, built from its local.json as a user would. */
export interface LocalAwsClients {
  s3: S3Client;
  ddbClient: DynamoDBClient;
  ddb: DynamoDBDocumentClient;
  lambda: LambdaClient;
  /** An object's bytes, or undefined when it does not exist. */
  readObject(key: string, bucket?: string): Promise<Buffer | undefined>;
  destroy(): void;
}

/** Builds S3, DynamoDB and Lambda clients pointed at the runtime's endpoint with its credentials. */
export function createLocalAwsClients(config: LocalJson): LocalAwsClients {
  const clientConfig = {
    endpoint: config.awsEndpoint,
    region: config.region,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    forcePathStyle: true,
  };
  const s3 = new S3Client(clientConfig);
  const ddbClient = new DynamoDBClient(clientConfig);
  const ddb = DynamoDBDocumentClient.from(ddbClient);
  const lambda = new LambdaClient(clientConfig);
  return {
    s3,
    ddbClient,
    ddb,
    lambda,
    async readObject(key, bucket = config.bucket) {
      try {
        const result = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return Buffer.from((await result.Body?.transformToByteArray()) ?? []);
      } catch (error) {
        if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
        throw error;
      }
    },
    destroy() {
      s3.destroy();
      ddbClient.destroy();
      lambda.destroy();
    },
  };
}
