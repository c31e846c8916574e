// Typed errors with an HTTP status and a `cause`. The app's one onError maps them to
// `{"error": message}`; anything else becomes a 500 that says only "internal error".

/** An error whose message may be shown to the client, with the status to answer. */
export class HttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 429 | 500 | 502 | 503,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The request is malformed or fails its schema (400). */
export class BadRequestError extends HttpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(400, message, options);
  }
}

/**
 * The `auth` header is missing or unknown (401); the message never says which. An expired
 * key or share link (whose holder knows it existed) is told so.
 */
export class UnauthorizedError extends HttpError {
  constructor(options?: { cause?: unknown; message?: string }) {
    super(401, options?.message ?? 'unauthorized', options);
  }
}

/** The key is known but lacks the right (403); the message names the scope it lacks. */
export class ForbiddenError extends HttpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(403, message, options);
  }
}

/** The key has as many jobs running as it may (429); `retryAfterSeconds` goes in `Retry-After`. */
export class TooManyRequestsError extends HttpError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(429, message, options);
  }
}

/** The thing asked for does not exist, or belongs to someone else (404). */
export class NotFoundError extends HttpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(404, message, options);
  }
}

/** The request body is larger than the API accepts (413). */
export class PayloadTooLargeError extends HttpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(413, message, options);
  }
}

/** A conflicting state, e.g. an auth name that already exists (409). */
export class ConflictError extends HttpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(409, message, options);
  }
}

/** An AWS service we depend on failed (502); the message names the step, not the internals. */
export class UpstreamError extends HttpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(502, message, options);
  }
}

/** The environment lacks a required variable or holds an invalid one. */
export class ConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}
