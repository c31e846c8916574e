import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AWS_RETRY, createAwsRetryStrategy } from './retry.js';
import { sdkRequestHandler } from './transport.js';

/** The AWS clients the backend uses, built once per process and injected everywhere. */
export interface AwsClients {
  s3: S3Client;
  ddb: DynamoDBDocumentClient;
  lambda: LambdaClient;
  /** For the project's queue of job end events (built only when EVENT_QUEUE_URL is set). */
  sqs?: SQSClient;
}

/** Explicit settings that win over the environment (tests, and callers that hold them already). */
export interface AwsClientOverrides {
  endpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/**
 * Builds the clients. Region and credentials come from the SDK's standard chain, and the
 * SDK's own `AWS_ENDPOINT_URL` (or a per-service variant) points them at the local
 * endpoint. Against a local endpoint S3 is path-style, so presigned URLs name 127.0.0.1
 * rather than `<bucket>.127.0.0.1`. Checksums are computed only where S3 requires them:
 * a log is re-uploaded many times and a CRC over each upload is CPU the job could use.
 * Every client sends over the one keep-alive transport (transport.ts) and retries under the
 * one AWS retry policy (retry.ts).
 */
export function createAwsClients(env: Record<string, string | undefined>, overrides: AwsClientOverrides = {}): AwsClients {
  const local = Boolean(overrides.endpoint || env.AWS_ENDPOINT_URL || env.AWS_ENDPOINT_URL_S3);
  const common = {
    ...(overrides.endpoint ? { endpoint: overrides.endpoint } : {}),
    ...(overrides.region ? { region: overrides.region } : {}),
    ...(overrides.credentials ? { credentials: overrides.credentials } : {}),
    requestHandler: sdkRequestHandler(),
    maxAttempts: AWS_RETRY.retries + 1,
    retryStrategy: createAwsRetryStrategy(),
  };
  const s3 = new S3Client({
    ...common,
    forcePathStyle: local,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const ddb = DynamoDBDocumentClient.from(new DynamoDBClient(common), {
    marshallOptions: { removeUndefinedValues: true },
  });
  // The SDK would send each call to the host of its QueueUrl when that differs from the
  // client's endpoint (@aws-sdk/middleware-sdk-sqs queueUrlMiddleware, unless an `endpoint`
  // is configured; AWS_ENDPOINT_URL is not one): locally that would send the AWS-form URL of
  // infra.yaml to AWS. Off: calls go to the client's endpoint, the regional one on AWS.
  const sqs = env.EVENT_QUEUE_URL ? new SQSClient({ ...common, useQueueUrlAsEndpoint: false }) : undefined;
  return { s3, ddb, lambda: new LambdaClient(common), ...(sqs ? { sqs } : {}) };
}
