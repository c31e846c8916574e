import type { MiddlewareHandler } from 'hono';
import { AUTH_HEADER } from '../../protocol/index.js';
import { UnauthorizedError } from '../errors.js';
import type { AppEnv } from '../http/env.js';
import type { AuthLookup } from './lookup.js';

/**
 * Requires a known key in the `auth` header and sets `authName`. A missing or unknown key
 * gets 401 after a fixed delay, the same answer either way, so that guessing is slow and
 * a failure says nothing about why.
 */
export function requireAuth(lookup: AuthLookup, failDelayMs: number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.header(AUTH_HEADER);
    const name = key ? await lookup.findName(key) : undefined;
    if (name === undefined) {
      if (failDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, failDelayMs));
      throw new UnauthorizedError();
    }
    c.set('authName', name);
    await next();
  };
}
