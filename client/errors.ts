// Typed errors of the SDK. Every error a caller can meet is a ClientError, so one
// `instanceof` separates "aws-exec said no" from bugs; the original error stays in `cause`.

/** Base class of every error the client throws (except an abort, which rejects with the signal's reason). */
export class ClientError extends Error {
  override name = 'ClientError';
}

/** The API answered 4xx/5xx; `message` is the server's `{error}` text. */
export class ApiError extends ClientError {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The API refused the auth key (401). */
export class AuthError extends ApiError {
  override name = 'AuthError';
}

/** The API does not know the job or the command (404). */
export class NotFoundError extends ApiError {
  override name = 'NotFoundError';
}

/** The API refused the request as malformed (400). */
export class BadRequestError extends ApiError {
  override name = 'BadRequestError';
}

/** A presigned object URL (log, size, exit) answered with an unexpected status. */
export class StorageError extends ClientError {
  override name = 'StorageError';
  constructor(
    readonly status: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The server could not be reached, after every retry; `code` is the system's reason when known (`ECONNREFUSED`, `ENOTFOUND`, …). */
export class NetworkError extends ClientError {
  override name = 'NetworkError';
  readonly code: string | undefined;
  constructor(message: string, options?: { cause?: unknown; code?: string | undefined }) {
    super(message, options);
    this.code = options?.code;
  }
}

/** An answer did not have the shape the protocol promises. */
export class ProtocolError extends ClientError {
  override name = 'ProtocolError';
}

/** A request or option the client refuses before sending anything. */
export class ValidationError extends ClientError {
  override name = 'ValidationError';
}

/** A caller's presigned GET URL expired while tailing (push-url mode). */
export class ExpiredUrlError extends ClientError {
  override name = 'ExpiredUrlError';
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** `exec()` waited longer than its `timeout`; the job was cancelled unless `cancelOnAbort` is false. */
export class TimeoutError extends ClientError {
  override name = 'TimeoutError';
  constructor(
    readonly uid: string,
    readonly timeoutMs: number,
  ) {
    super(`Job ${uid} did not exit within ${timeoutMs} ms`);
  }
}

/** Builds the ApiError subclass that matches a status. */
export function createApiError(status: number, message: string): ApiError {
  if (status === 401) return new AuthError(status, message);
  if (status === 404) return new NotFoundError(status, message);
  if (status === 400) return new BadRequestError(status, message);
  return new ApiError(status, message);
}
