import type { Hono } from 'hono';
import {
  AUTH_HEADER,
  CancelQuery,
  EXEC_SCOPE,
  ExecRequest,
  ExecStatusQuery,
  PATHS,
  PRESIGN_TTL_SECONDS,
  jobKeys,
  mayStartArgv,
  type CancelResponse,
  type ExecResponse,
  type ExecStatusResponse,
  type JobKeys,
} from '../../../protocol/index.js';
import { checkAccess, type JobKind } from '../../auth/access.js';
import type { KeyPrincipal, Principal } from '../../auth/principal.js';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError, TooManyRequestsError } from '../../errors.js';
import { resolveJobWebhook } from '../../events/notify.js';
import { hasRecordlessObjects, readRecordlessStatus } from '../../jobs/recordless.js';
import { startJob } from '../../jobs/start.js';
import { createUid } from '../../jobs/uid.js';
import { checkExecRequest, type CheckedJob } from '../../jobs/validate.js';
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
    const principal = c.get('principal');
    const kind: JobKind = request.argv ? { argv: request.argv } : { rpcName: request['rpc-name'] ?? '' };
    checkAccess(principal, { kind: 'start', job: kind, pushUrls: request['push-urls'] !== undefined });
    const job = confineJob(principal, checkExecRequest(request, deps.registry, deps.config.functionTimeoutSeconds));
    const authName = c.get('authName');
    const webhook = await resolveJobWebhook(deps, c.req.header(AUTH_HEADER) ?? '', request.notify?.url);
    const uid = createUid(now());
    c.set('uid', uid);
    const release = principal.kind === 'key' ? await reserveSlot(principal, uid) : undefined;
    // The answer carries the URLs GET /api/exec would give (clients that do not know them
    // ignore them), saving the follower a round trip; presigning runs while the job starts.
    const presigned = job.pushUrls ? undefined : presignJobUrls(jobKeys(authName, uid), FOLLOW_URL_SECONDS);
    presigned?.catch(() => undefined);
    try {
      await startJob(deps, authName, job, uid, webhook);
    } catch (error) {
      await release?.().catch(() => undefined);
      throw error;
    }
    return c.json({ uid, ...(presigned ? await presigned : {}) } satisfies ExecResponse);
  });

  /**
   * Marks the job of a key without `exec` as confined; refuses a registered command that
   * does not declare it honours confinement (it could reach past what the key may).
   */
  function confineJob(principal: Principal, job: CheckedJob): CheckedJob {
    if (principal.kind !== 'key' || mayStartArgv(principal.scopes) || !('rpcName' in job)) return job;
    if (deps.registry.find(job.rpcName)?.confined !== true) {
      throw new ForbiddenError(
        `The command ${job.rpcName} does not declare that it honours confinement (\`confined: true\`), so only keys with the scope \`${EXEC_SCOPE}\` may run it`,
      );
    }
    return { ...job, confined: true };
  }

  /** Counts the job against its key's cap (429 when full); resolves with the undo, or undefined when there is no cap. */
  async function reserveSlot(key: KeyPrincipal, uid: string): Promise<(() => Promise<void>) | undefined> {
    const max = key.maxRunning ?? deps.config.keyMaxRunningJobs;
    if (max <= 0) return undefined;
    if (!(await deps.runningJobs.reserve(key.hash, uid, max))) {
      throw new TooManyRequestsError(
        `This key has ${max} jobs queued or running, as many as it may (${key.maxRunning !== undefined ? 'its max-running' : 'KEY_MAX_RUNNING_JOBS'}); start this one when one of them has ended`,
        RETRY_AFTER_SECONDS,
      );
    }
    return () => deps.runningJobs.release(key.hash, uid);
  }

  app.get(PATHS.exec, async (c) => {
    const query = parseInput(ExecStatusQuery, c.req.query(), 'query');
    c.set('uid', query.uid);
    const principal = c.get('principal');
    checkAccess(principal, { kind: 'follow', uid: query.uid });
    const authName = c.get('authName');
    const keys = jobKeys(authName, query.uid);
    // Presigning is local CPU work: start it while the record is read, use it if allowed.
    // Most calls follow a running job, so the URLs for one are made first.
    const presigned = presignJobUrls(keys, Math.min(FOLLOW_URL_SECONDS, presignSecondsFor(principal)));
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
    return c.json((await (settled ? presignJobUrls(keys, presignSecondsFor(principal)) : presigned)) satisfies ExecStatusResponse);
  });

  /**
   * How long the URLs handed to a principal last: a share link's only as long as
   * SHARE_PRESIGN_SECONDS (and never past its end), so that a revoked or expired link stops
   * reading soon; a key's PRESIGN_TTL_SECONDS.
   */
  function presignSecondsFor(principal: Principal): number {
    if (principal.kind !== 'share') return PRESIGN_TTL_SECONDS;
    return Math.max(1, Math.min(SHARE_PRESIGN_SECONDS, Math.floor((principal.expiresAt - now()) / 1000)));
  }

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
    await checkCancel(c.get('principal'), query.uid, authName);
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

  /**
   * A key may cancel what it may start. A key without `exec` costs a read of the record to
   * tell; no record of the caller's is left to the cancel itself (404, or 409 for a Go job).
   */
  async function checkCancel(principal: Principal, uid: string, authName: string): Promise<void> {
    if (principal.kind === 'share') return checkAccess(principal, { kind: 'cancel', job: undefined });
    if (mayStartArgv(principal.scopes)) return;
    const record = await deps.jobs.getJob(uid);
    if (!record || record['auth-name'] !== authName) return;
    checkAccess(principal, { kind: 'cancel', job: record.argv ? { argv: record.argv } : { rpcName: record['rpc-name'] ?? '' } });
  }
}

/** The `Retry-After` of a start refused by the per-key cap: jobs are often short, so ask again soon. */
const RETRY_AFTER_SECONDS = 5;

/** The longest a presigned URL handed to a share link lasts. */
const SHARE_PRESIGN_SECONDS = 60;
