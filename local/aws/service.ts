import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { QueryParameterBag } from '@smithy/types';
import type { Principal } from './iam/principal.js';
import type { AuthError, Credentials, SigV4Claim } from './sigv4.js';

/** The name of a service the local endpoint speaks, as it appears in a SigV4 credential scope. */
export type ServiceName = 's3' | 'dynamodb' | 'lambda' | 'sqs' | 'sns';

/** A verified caller: the claim that was checked and the key material behind it. */
export interface Caller {
  claim: SigV4Claim;
  credentials: Credentials;
  /** The derived SigV4 signing key, for verifying aws-chunked chunk signatures. */
  signingKey: Uint8Array;
  /** The payload hash the signature covers (hex SHA-256, UNSIGNED-PAYLOAD, or a STREAMING-* marker). */
  payloadHash: string;
  /**
   * Whose policies decide what the request may do: a role session signing with temporary
   * credentials. Null for the account's own key pairs, which may do anything (the root).
   */
  principal: Principal | null;
}

/** One request as handed to a service, after routing and (unless anonymous) signature verification. */
export interface ServiceRequest {
  method: string;
  /** Path exactly as received, still percent-encoded, without the query string. */
  rawPath: string;
  /** Raw query string without the leading '?'. */
  rawQuery: string;
  /** Decoded query parameters ('+' is not a space). */
  query: QueryParameterBag;
  headers: IncomingHttpHeaders;
  /** The Host header (lowercase), used for S3 virtual-hosted-style addressing. */
  host: string;
  /** The underlying request: its body stream is unread unless `body` is set. */
  incoming: IncomingMessage;
  /** The whole body, for services that declare `bufferBody`. */
  body?: Buffer;
  /** Null only for requests the service accepts anonymously (S3 CORS preflight). */
  caller: Caller | null;
}

/** An error with the status, code and message the real service would send. */
export class AwsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AwsError';
  }
}

/** One AWS service behind the shared endpoint. */
export interface LocalService {
  readonly name: ServiceName;
  /**
   * True when the body must be read before the signature can be checked (the payload
   * hash is not declared in a header): DynamoDB and Lambda. S3 streams its bodies.
   */
  readonly bufferBody: boolean;
  /** Largest body accepted when `bufferBody` is set, in bytes. */
  readonly maxBodyBytes: number;
  /** Whether an unsigned request looks like it was meant for this service (to answer in its error format). */
  claimsUnsigned(req: IncomingMessage): boolean;
  /** Whether this request may be served without a signature (e.g. an S3 CORS preflight). */
  allowsAnonymous(req: IncomingMessage): boolean;
  /** Turns a failed authentication into this service's own error. */
  authError(error: AuthError): AwsError;
  /**
   * The AWS API name of the operation a verified request asks for (`PutObject`, `UpdateItem`,
   * `Invoke`), or `Unknown`; never throws. The fault layer matches its rules on it.
   */
  operationOf(request: ServiceRequest): string;
  /** Serves one request. Throwing an AwsError renders it with `sendError`. */
  handle(request: ServiceRequest, res: ServerResponse): Promise<void>;
  /** Writes an error in this service's wire format (XML for S3, JSON for the others). */
  sendError(request: Pick<ServiceRequest, 'method' | 'headers' | 'rawPath' | 'host'>, res: ServerResponse, error: AwsError): void;
  /** Flushes and closes storage. */
  close(): Promise<void>;
}

/**
 * What the endpoint needs of a service before it has loaded it: how to route, read and
 * authenticate its requests. Each service's `traits.ts` holds them (a small module); the
 * service itself spreads them into its LocalService.
 */
export type ServiceTraits = Pick<LocalService, 'name' | 'bufferBody' | 'maxBodyBytes' | 'claimsUnsigned' | 'allowsAnonymous' | 'authError'>;
