import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HttpError, TooManyRequestsError } from '../errors.js';
import type { Logger } from '../log.js';
import type { AppEnv } from './env.js';

/**
 * The app's one error handler: typed errors answer their status and message as
 * `{"error": ...}`; anything else is a 500 that says only "internal error" and the
 * request id, while the stack goes to the log.
 */
export function createErrorHandler(logger: Logger) {
  return (error: Error, c: Context<AppEnv>) => {
    const requestId = c.get('requestId');
    if (error instanceof HttpError) {
      if (error.status >= 500) logger.error('request failed', { requestId, path: c.req.path, error });
      if (error instanceof TooManyRequestsError) c.header('Retry-After', String(error.retryAfterSeconds));
      return c.json({ error: error.status >= 500 ? `${error.message} (request id ${requestId})` : error.message }, error.status);
    }
    if (error instanceof HTTPException && error.status < 500) {
      return c.json({ error: error.message || 'Bad request' }, error.status as ContentfulStatusCode);
    }
    logger.error('unhandled error', { requestId, method: c.req.method, path: c.req.path, error });
    return c.json({ error: `internal error (request id ${requestId})` }, 500);
  };
}
