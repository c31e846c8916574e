import type { MiddlewareHandler } from 'hono';
import { AUTH_HEADER, PATHS } from '../../protocol/index.js';
import { ForbiddenError, UnauthorizedError } from '../errors.js';
import type { AppEnv } from '../http/env.js';
import type { AuthLookup } from './lookup.js';

/**
 * Requires a known key or share link in the `auth` header and sets `principal` and
 * `authName`. A missing or unknown value gets 401 after a fixed delay, the same answer
 * either way, so that guessing is slow and a failure says nothing about why; an expired
 * key or link gets 401 after the same delay saying it expired (only its holder can ask).
 */
export function requireAuth(lookup: AuthLookup, failDelayMs: number, now: () => number = Date.now): MiddlewareHandler<AppEnv> {
  const refuse = async (message?: string): Promise<never> => {
    if (failDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, failDelayMs));
    throw new UnauthorizedError(message === undefined ? {} : { message });
  };
  return async (c, next) => {
    const value = c.req.header(AUTH_HEADER);
    const principal = value ? await lookup.find(value) : undefined;
    if (principal === undefined) return refuse();
    if (principal.expiresAt !== undefined && principal.expiresAt <= now()) {
      return refuse(`This ${principal.kind === 'share' ? 'share link' : 'key'} expired at ${new Date(principal.expiresAt).toISOString()}`);
    }
    c.set('principal', principal);
    c.set('authName', principal.authName);
    await next();
  };
}

/** Routes a share link may call: following its job, and describing itself. Every other answers 403 before its handler runs. */
const SHARE_ROUTES = new Set([`GET ${PATHS.exec}`, `GET ${PATHS.key}`]);

/** Refuses a share link on any route but following (the route then checks the uid) and `GET /api/key`. */
export function confineShareLinks(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = c.get('principal');
    if (principal.kind === 'share' && !SHARE_ROUTES.has(`${c.req.method} ${c.req.path}`)) {
      throw new ForbiddenError(`A share link allows following its one job (GET ${PATHS.exec}?uid=${principal.uid}), not ${c.req.method} ${c.req.path}`);
    }
    await next();
  };
}
