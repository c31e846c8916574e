import type { Hono } from 'hono';
import {
  DEFAULT_SHARE_SECONDS,
  PATHS,
  RevokeShareQuery,
  ShareRequest,
  jobKeys,
  sharePagePath,
  type RevokeShareResponse,
  type ShareResponse,
} from '../../../protocol/index.js';
import { checkAccess } from '../../auth/access.js';
import { NotFoundError } from '../../errors.js';
import { hasRecordlessObjects } from '../../jobs/recordless.js';
import type { AppDeps, AppEnv } from '../env.js';
import { parseInput, readJsonObject } from '../input.js';

/** `POST /api/share` (a link that follows one of the caller's jobs) and `DELETE /api/share` (revoke it). */
export function registerShareRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  const now = deps.now ?? Date.now;

  app.post(PATHS.share, async (c) => {
    checkAccess(c.get('principal'), { kind: 'share' });
    const request = parseInput(ShareRequest, await readJsonObject(c), 'request body');
    c.set('uid', request.uid);
    const authName = c.get('authName');
    const record = await deps.jobs.getJob(request.uid);
    // The caller's own job: its record, or (a Go backend's job) its objects under the caller's auth-name.
    const owned = record ? record['auth-name'] === authName : await hasRecordlessObjects(deps.objects, jobKeys(authName, request.uid));
    if (!owned) throw new NotFoundError(`No job with uid \`${request.uid}\``);
    const createdAt = now();
    const expiresAt = createdAt + (request['expires-in'] ?? DEFAULT_SHARE_SECONDS) * 1000;
    const { token, id } = await deps.shares.createShare({ uid: request.uid, authName, expiresAt, createdAt });
    return c.json({ id, uid: request.uid, token, path: sharePagePath(request.uid, token), 'expires-at': expiresAt } satisfies ShareResponse);
  });

  app.delete(PATHS.share, async (c) => {
    checkAccess(c.get('principal'), { kind: 'share' });
    const query = parseInput(RevokeShareQuery, c.req.query(), 'query');
    if (!(await deps.shares.deleteShare(query.id, c.get('authName')))) throw new NotFoundError(`No share link with id \`${query.id}\` of yours`);
    return c.json({ id: query.id, revoked: true } satisfies RevokeShareResponse);
  });
}
