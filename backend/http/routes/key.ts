import type { Hono } from 'hono';
import { PATHS, RevokedKeysRequest, type KeyInfoResponse, type RevokedKeysResponse } from '../../../protocol/index.js';
import { checkAccess } from '../../auth/access.js';
import type { AppDeps, AppEnv } from '../env.js';
import { parseInput, readJsonObject } from '../input.js';

/** `GET /api/key` (what the caller may do) and `POST /api/key/revoked` (the notice `auth rm` sends). */
export function registerKeyRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  app.get(PATHS.key, (c) => {
    const principal = c.get('principal');
    checkAccess(principal, { kind: 'describe-key' });
    if (principal.kind === 'share') {
      return c.json({ kind: 'share', uid: principal.uid, 'expires-at': principal.expiresAt } satisfies KeyInfoResponse);
    }
    const maxRunning = principal.maxRunning ?? deps.config.keyMaxRunningJobs;
    return c.json({
      kind: 'key',
      'auth-name': principal.authName,
      scopes: principal.scopeList ?? null,
      ...(principal.expiresAt !== undefined ? { 'expires-at': principal.expiresAt } : {}),
      ...(maxRunning > 0 ? { 'max-running': maxRunning } : {}),
    } satisfies KeyInfoResponse);
  });

  // Any key may send it: it only makes this process read the named keys again, and each id
  // is forgotten only if the table no longer holds it.
  app.post(PATHS.keyRevoked, async (c) => {
    checkAccess(c.get('principal'), { kind: 'revoke-notice' });
    const request = parseInput(RevokedKeysRequest, await readJsonObject(c), 'request body');
    const { forgotten, stillPresent } = await deps.auth.forgetRemoved(request.ids);
    return c.json({ forgotten, 'still-present': stillPresent } satisfies RevokedKeysResponse);
  });
}
