import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../log.js';
import type { AppEnv } from './env.js';

/**
 * One JSON log line per request, after the answer: method, path (never the query, which
 * may carry a presigned signature), status, the caller's auth name and the job's uid when
 * known, and the duration. Never the `auth` header or a body.
 */
export function logRequests(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const startedAt = performance.now();
    await next();
    logger.info('request', {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      'auth-name': c.get('authName'),
      uid: c.get('uid'),
      durationMs: Math.round((performance.now() - startedAt) * 10) / 10,
    });
  };
}
