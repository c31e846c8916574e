import { z } from 'zod';
import { NO_FAULTS, type FaultConfig, type FaultRule, type LognormalLatency } from '../faults/config.js';
import { DYNAMODB_WRITES, OPERATIONS } from '../faults/operations.js';

/*
 * Latency profiles: what each hop of the deployment takes on AWS, added to the local endpoint
 * (through the fault layer's baseline), to the local API gateway and to Lambda's async queue,
 * so that code can be measured against AWS's latencies on one machine. Each hop is a lognormal
 * named by its median and 99th percentile (clamped below by a floor), drawn from seeded
 * sequences. Sources were read on 2026-12-03; where no figure is published the comment says so.
 */

/** The names of the latency profiles (`aws-exec serve --latency-profile NAME`). */
export const LatencyProfileName = z.enum(['aws']);
export type LatencyProfileName = z.infer<typeof LatencyProfileName>;

/** A latency profile: per-operation rules for the endpoint, and the hops outside it. */
export interface LatencyProfile {
  name: LatencyProfileName;
  /** One line on what it models. */
  describe: string;
  /** Latency rules for the local endpoint (no faults), applied as the fault layer's baseline. */
  endpoint: FaultConfig;
  /** Added by the API gateway to each request before it invokes the function. */
  gatewayMs: LognormalLatency;
  /** Added between an Event invoke's 202 and the handler's start (Lambda's internal queue). */
  eventStartMs: LognormalLatency;
  /** Seed of the gateway's and the queue's sequences (the endpoint's is `endpoint.seed`). */
  seed: number;
}

/** A profile name that is not one of LATENCY_PROFILES. */
export class LatencyProfileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LatencyProfileError';
  }
}

/**
 * S3, small objects (a log of a few KB, the exit and size objects), GET first byte and PUT.
 * - p50 40 ms: "When you make smaller requests (for example, less than 512 KB), where median
 *   latencies are often in the tens of milliseconds range, a good guideline is to retry a GET or
 *   PUT operation after 2 seconds." — AWS whitepaper, Best Practices Design Patterns: Optimizing
 *   Amazon S3 Performance, "Timeouts and Retries for Latency-Sensitive Applications",
 *   https://docs.aws.amazon.com/whitepapers/latest/s3-optimizing-performance-best-practices/timeouts-and-retries-for-latency-sensitive-applications.html
 * - p99 200 ms: "applications can achieve consistent small object latencies (and first-byte-out
 *   latencies for larger objects) of roughly 100–200 milliseconds" — Amazon S3 User Guide,
 *   Best practices design patterns: optimizing Amazon S3 performance,
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html
 * Neither source splits PUT from GET; both sentences cover both, so they share one figure.
 */
const S3_SMALL_OBJECT: LognormalLatency = { p50: 40, p99: 200, min: 10 };

/**
 * DynamoDB reads (GetItem, Query, a strongly consistent read of a small item), client-side in the
 * Region: "DynamoDB provides single-digit millisecond performance for workloads of all sizes"
 * (service-side, the SuccessfulRequestLatency metric) — AWS Database Blog, Understanding Amazon
 * DynamoDB latency, https://aws.amazon.com/blogs/database/understanding-amazon-dynamodb-latency/ ;
 * "delays ranging from 10 to 20 ms under typical conditions" measured at the client —
 * https://dynobase.dev/dynamodb-performance-latency/ (2022). p50 5 ms, p99 20 ms.
 */
const DYNAMODB_READ: LognormalLatency = { p50: 5, p99: 20, min: 2 };

/**
 * DynamoDB writes (PutItem, UpdateItem, conditional or not): the same sources; a write is
 * acknowledged once a quorum of replicas in different Availability Zones has it (Elhemali et
 * al., Amazon DynamoDB: A Scalable, Predictably Performant, and Fully Managed NoSQL Database
 * Service, USENIX ATC 2022, §3), so it sits above a read: p50 8 ms, p99 30 ms.
 */
const DYNAMODB_WRITE: LognormalLatency = { p50: 8, p99: 30, min: 3 };

/**
 * Lambda's Invoke API call to its answer (202 for Event; the overhead of a warm RequestResponse).
 * AWS publishes no figure. The timeline of a request (placement, concurrency check, finding a
 * warm worker before the handler) is in https://speedrun.nobackspacecrew.com/blog/2024/02/14/aws-lambda-request-timeline.html ;
 * a user measured each AWS layer on a browser round trip adding about 30 ms
 * (https://forum.serverless.com/t/lambda-call-latency/3891). From inside the Region, taken as
 * p50 15 ms, p99 60 ms: an estimate, not a measurement.
 */
const LAMBDA_INVOKE: LognormalLatency = { p50: 15, p99: 60, min: 5 };

/**
 * From an Event invoke's 202 to the handler's start in a warm environment: "Lambda places the
 * event in a queue and returns a success response ... A separate process reads events from the
 * queue and sends them to your function" (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html);
 * the time is not published. Nearest public measurement: about 125 ms from one Lambda's SQS
 * send to the next Lambda's start through SQS, serially over 500 events
 * (https://github.com/lukehoban/lambdaperf). Taken as p50 60 ms, p99 300 ms.
 */
const LAMBDA_EVENT_START: LognormalLatency = { p50: 60, p99: 300, min: 15 };

/**
 * API Gateway HTTP API, its own overhead on a request to a warm Lambda integration (the
 * function's time excluded): "API Gateway itself typically adds only 10-30 milliseconds of
 * overhead for REST APIs (somewhat less for HTTP APIs)" (https://www.smplogs.com/patterns/apigateway/high-latency);
 * HTTP APIs measured faster than REST APIs (https://cloudonaut.io/review-api-gateway-http-apis/,
 * 19 Jun 2020; https://jarv.org/posts/http-api-gateway). Plus Lambda's warm synchronous invoke:
 * p50 12 ms, p99 45 ms.
 */
const API_GATEWAY_HTTP_API: LognormalLatency = { p50: 12, p99: 45, min: 4 };

/** S3 operations billed as PUT-class writes (https://aws.amazon.com/s3/pricing/); the rest are reads. */
const S3_WRITES: ReadonlySet<string> = new Set([
  'AbortMultipartUpload', 'CompleteMultipartUpload', 'CopyObject', 'CreateBucket', 'CreateMultipartUpload', 'DeleteBucket',
  'DeleteBucketCors', 'DeleteBucketLifecycle', 'DeleteObject', 'DeleteObjectTagging', 'DeleteObjects', 'PutBucketCors',
  'PutBucketLifecycleConfiguration', 'PutObject', 'PutObjectTagging', 'UploadPart', 'UploadPartCopy',
]);

/** The endpoint's rules of the AWS profile: each operation matched by exactly one rule. */
function buildAwsEndpointRules(): FaultRule[] {
  const s3 = OPERATIONS.s3.map((operation) => `s3:${operation}`);
  const dynamodb = OPERATIONS.dynamodb.map((operation) => `dynamodb:${operation}`);
  const isDynamoWrite = (name: string) => DYNAMODB_WRITES.has(name.slice('dynamodb:'.length)) || name.startsWith('dynamodb:Transact');
  return [
    { match: s3.filter((name) => !S3_WRITES.has(name.slice(3))), latencyMs: S3_SMALL_OBJECT },
    { match: s3.filter((name) => S3_WRITES.has(name.slice(3))), latencyMs: S3_SMALL_OBJECT },
    { match: dynamodb.filter((name) => !isDynamoWrite(name)), latencyMs: DYNAMODB_READ },
    { match: dynamodb.filter(isDynamoWrite), latencyMs: DYNAMODB_WRITE },
    { match: 'lambda:*', latencyMs: LAMBDA_INVOKE },
  ];
}

/** AWS in one Region (us-east-1), warm: see the figures and their sources above. SQS is not modelled. */
export const AWS_LATENCY_PROFILE: LatencyProfile = {
  name: 'aws',
  describe: 'S3, DynamoDB, Lambda and API Gateway (HTTP API) latencies as AWS documents or as measured publicly (warm, in one Region)',
  endpoint: { seed: 13, rules: buildAwsEndpointRules() },
  gatewayMs: API_GATEWAY_HTTP_API,
  eventStartMs: LAMBDA_EVENT_START,
  seed: 13,
};

/** Every latency profile by name. */
export const LATENCY_PROFILES: Readonly<Record<LatencyProfileName, LatencyProfile>> = { aws: AWS_LATENCY_PROFILE };

/** The profile of a name, or a LatencyProfileError naming the known ones. */
export function resolveLatencyProfile(name: string): LatencyProfile {
  const parsed = LatencyProfileName.safeParse(name);
  if (!parsed.success) {
    throw new LatencyProfileError(`Expected a latency profile of ${LatencyProfileName.options.join(', ')}, got \`${name.slice(0, 80)}\``);
  }
  return LATENCY_PROFILES[parsed.data];
}

/** The endpoint rules of a profile, or none. */
export function endpointRulesOf(profile: LatencyProfile | undefined): FaultConfig {
  return profile?.endpoint ?? NO_FAULTS;
}
