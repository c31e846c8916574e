import type { Hono } from 'hono';
import {
  AUTH_HEADER,
  CancelQuery,
  ExecRequest,
  ExecStatusQuery,
  PATHS,
  PRESIGN_TTL_SECONDS,
  jobKeys,
  type CancelResponse,
  type ExecResponse,
  type ExecStatusResponse,
  type JobKeys,
} from '../../../protocol/index.js';
import { BadRequestError, ConflictError, NotFoundError } from '../../errors.js';
import { resolveJobWebhook } from '../../events/notify.js';
import { hasRecordlessObjects, readRecordlessStatus } from '../../jobs/recordless.js';
import { startJob } from '../../jobs/start.js';
import { createUid } from '../../jobs/uid.js';
import { checkExecRequest } from '../../jobs/validate.js';
import { finishIfLost } from '../../sweep/close-lost.js';
import type { AppDeps, AppEnv } from '../env.js';
import { parseInput, readJsonObject } from '../input.js';

/**
 * How long the URLs of a job not yet ended stay valid. Followers come back through
 * `GET /api/exec` shortly before their URLs expire (our client renews them a quarter of
 * their lifetime early: every 15 s), and that call closes a job whose runner died, so a
 * follower sees such a job end within the runner's lease (30 s) plus 15 s of its death.
 */
export const FOLLOW_URL_SECONDS = 20;

/** `POST`, `GET` and `DELETE /api/exec`: start a job, follow it, cancel it. */
export function registerExecRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  const now = deps.now ?? Date.now;

  app.post(PATHS.exec, async (c) => {
    const request = parseInput(ExecRequest, await readJsonObject(c), 'request body');
    const job = checkExecRequest(request, deps.registry, deps.config.functionTimeoutSeconds);
    const authName = c.get('authName');
    const webhook = await resolveJobWebhook(deps, c.req.header(AUTH_HEADER) ?? '', request.notify?.url);
    const uid = createUid(now());
    c.set('uid', uid);
    // The answer carries the URLs GET /api/exec would give (clients that do not know them
    // ignore them), saving the follower a round trip; presigning runs while the job starts.
    const presigned = job.pushUrls ? undefined : presignJobUrls(jobKeys(authName, uid), FOLLOW_URL_SECONDS);
    presigned?.catch(() => undefined);
    await startJob(deps, authName, job, uid, webhook);
    return c.json({ uid, ...(presigned ? await presigned : {}) } satisfies ExecResponse);
  });

  app.get(PATHS.exec, async (c) => {
    const query = parseInput(ExecStatusQuery, c.req.query(), 'query');
    c.set('uid', query.uid);
    const authName = c.get('authName');
    const keys = jobKeys(authName, query.uid);
    // Presigning is local CPU work: start it while the record is read, use it if allowed.
    // Most calls follow a running job, so the URLs for one are made first.
    const presigned = presignJobUrls(keys, FOLLOW_URL_SECONDS);
    presigned.catch(() => undefined);
    const found = await deps.jobs.getJob(query.uid);
    const rangeStart = query['range-start'];
    if (!found || found['auth-name'] !== authName) {
      // No record of the caller's: a job the Go backend started before the switch (it kept
      // none) is found by its objects under the caller's own auth-name. Another name's job
      // takes the same path and, having no objects there, answers exactly as a uid that
      // never existed.
      const recordless = await readRecordlessStatus(deps.objects, keys, rangeStart);
      if (recordless.kind === 'missing') throw new NotFoundError(`No job with uid \`${query.uid}\``);
      if (recordless.kind === 'exited') return c.json({ exit: recordless.exit } satisfies ExecStatusResponse);
      return c.json((await presigned) satisfies ExecStatusResponse);
    }
    // A follower's call is what ends a job whose runner died, within a lease of its death.
    const record = await finishIfLost(deps, found);
    if (record.status === 'exited' && record.size !== undefined) {
      if (rangeStart === record.size) return c.json({ exit: record.exit ?? 0 } satisfies ExecStatusResponse);
      if (rangeStart > record.size) {
        throw new BadRequestError(`Expected range-start to be at most the log's final size ${record.size}, got ${rangeStart}`);
      }
    }
    if (record['push-urls']) {
      throw new BadRequestError(`Expected a job that logs to the bucket, but job \`${query.uid}\` pushes its log to your push-urls: read them there`);
    }
    // A job that ended whole will not change: its readers may keep their URLs as long as S3 allows.
    const settled = record.status === 'exited' && !record['log-incomplete'];
    return c.json((await (settled ? presignJobUrls(keys, PRESIGN_TTL_SECONDS) : presigned)) satisfies ExecStatusResponse);
  });

  async function presignJobUrls(keys: JobKeys, seconds: number) {
    const expiresAt = now() + seconds * 1000;
    const [url, sizeUrl, exitUrl] = await Promise.all([
      deps.objects.presignGet(keys.log, seconds),
      deps.objects.presignGet(keys.size, seconds),
      deps.objects.presignGet(keys.exit, seconds),
    ]);
    return { url, 'size-url': sizeUrl, 'exit-url': exitUrl, 'expires-at': expiresAt };
  }

  app.delete(PATHS.exec, async (c) => {
    const query = parseInput(CancelQuery, c.req.query(), 'query');
    c.set('uid', query.uid);
    const authName = c.get('authName');
    const result = await deps.jobs.requestCancel(query.uid, authName, now());
    if (result === 'not-found') {
      // A Go backend's job has objects under the caller's auth-name but no record.
      if (await hasRecordlessObjects(deps.objects, jobKeys(authName, query.uid))) {
        throw new ConflictError(`Expected a job this backend runs, but job \`${query.uid}\` was started by the Go aws-exec backend, which cannot cancel jobs`);
      }
      throw new NotFoundError(`No job with uid \`${query.uid}\``);
    }
    return c.json({ uid: query.uid, status: result } satisfies CancelResponse);
  });
}
