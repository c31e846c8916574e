/*
 * AWS list prices, us-east-1, on-demand, without free tiers, as published on the pages below
 * (read 2026-12-03, from stored copies of the pages; check them before relying on a figure).
 */

/** S3 Standard: PUT, COPY, POST, LIST requests, per 1,000 — https://aws.amazon.com/s3/pricing/ */
export const S3_PUT_PER_1000 = 0.005;
/** S3 Standard: GET, SELECT and all other requests (HEAD), per 1,000; DELETE is free — https://aws.amazon.com/s3/pricing/ */
export const S3_GET_PER_1000 = 0.0004;
/**
 * DynamoDB on-demand, per million write request units (a standard write of up to 1 KB), after
 * the price cut of November 2024 — https://aws.amazon.com/dynamodb/pricing/on-demand/
 */
export const DYNAMODB_PER_MILLION_WRU = 0.625;
/** DynamoDB on-demand, per million read request units (a strongly consistent read of up to 4 KB) — same page. */
export const DYNAMODB_PER_MILLION_RRU = 0.125;
/** Lambda requests, per million — https://aws.amazon.com/lambda/pricing/ */
export const LAMBDA_PER_MILLION_REQUESTS = 0.2;
/** Lambda duration, x86, per GB-second (first 6 billion GB-s a month) — https://aws.amazon.com/lambda/pricing/ */
export const LAMBDA_PER_GB_SECOND = 0.0000166667;
/** API Gateway HTTP APIs, per million requests (first 300 million a month) — https://aws.amazon.com/api-gateway/pricing/ */
export const HTTP_API_PER_MILLION = 1.0;
/** When the figures above were read. */
export const PRICES_READ_ON = '2026-12-03';

/** S3 operations billed in the PUT class; DELETEs are free; the rest are GET-class. */
const S3_PUT_CLASS = new Set(['PutObject', 'CopyObject', 'CompleteMultipartUpload', 'CreateMultipartUpload', 'UploadPart', 'UploadPartCopy', 'ListObjects', 'ListObjectsV2', 'ListBuckets', 'ListParts', 'ListMultipartUploads']);
const FREE = new Set(['DeleteObject', 'DeleteObjects', 'AbortMultipartUpload']);
/** DynamoDB operations billed in write request units (a unit each: items here are under 1 KB). */
const DYNAMODB_WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

/** What one request of `service:Operation` costs in dollars (DynamoDB: one request unit, an upper bound for eventually consistent reads). */
export function priceOfRequest(name: string): number {
  const [service, operation = ''] = name.split(':');
  if (service === 's3') {
    if (FREE.has(operation)) return 0;
    return (S3_PUT_CLASS.has(operation) ? S3_PUT_PER_1000 : S3_GET_PER_1000) / 1000;
  }
  if (service === 'dynamodb') return (DYNAMODB_WRITES.has(operation) ? DYNAMODB_PER_MILLION_WRU : DYNAMODB_PER_MILLION_RRU) / 1e6;
  // lambda:Invoke is the API call; the invocation it starts is priced by priceOfInvocation.
  return 0;
}

/** One Lambda invocation of `seconds` at `memoryMb`. */
export function priceOfInvocation(seconds: number, memoryMb: number): number {
  return LAMBDA_PER_MILLION_REQUESTS / 1e6 + seconds * (memoryMb / 1024) * LAMBDA_PER_GB_SECOND;
}

/** One API Gateway HTTP API request. */
export function priceOfApiRequest(): number {
  return HTTP_API_PER_MILLION / 1e6;
}
