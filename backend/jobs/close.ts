import { jobKeys } from '../../protocol/index.js';
import type { Logger } from '../log.js';
import type { LogObjects } from './objects.js';
import type { JobRecord } from './record.js';
import type { JobStore } from './store.js';

export interface CloseJobDeps {
  jobs: JobStore;
  objects: LogObjects;
  logger: Logger;
  now?: () => number;
}

/**
 * Finishes a job no runner will finish (lost, or never started): appends the closing
 * line to its log, then writes exit, then size (last), then marks the record exited.
 * Call it only after taking the job over (`takeOverJob` with the claim `claimedAt`), so no
 * runner writes meanwhile; the record is then marked only while that claim still holds.
 * If the size object already exists, the runner got that far: only the record is updated.
 * If the log cannot be rewritten (storage refuses it), exit and size are still written,
 * size naming what the log object holds, so that readers end; the record says the log is
 * incomplete. Jobs with push-urls log to the caller's objects, which cannot be read back
 * here: their record is marked exited and the caller's objects are left as the runner left them.
 */
export async function closeJob(deps: CloseJobDeps, record: JobRecord, exit: number, line: string, claimedAt?: number): Promise<void> {
  const now = deps.now ?? Date.now;
  const finish = (end: Parameters<JobStore['finishJob']>[1]) => deps.jobs.finishJob(record.uid, end, claimedAt);
  if (record['push-urls']) {
    await finish({ exit, endedAt: now() });
    return;
  }
  const keys = jobKeys(record['auth-name'], record.uid);
  const [existingSize, existingExit] = await Promise.all([deps.objects.readObject(keys.size), deps.objects.readObject(keys.exit)]);
  const size = parseDecimal(existingSize);
  if (size !== undefined) {
    await finish({ exit: parseDecimal(existingExit) ?? exit, size, endedAt: now() });
    return;
  }
  const log = (await deps.objects.readObject(keys.log)) ?? new Uint8Array();
  const needsNewline = log.byteLength > 0 && log[log.byteLength - 1] !== 0x0a;
  const closed = Buffer.concat([log, Buffer.from(`${needsNewline ? '\n' : ''}${line}\n`)]);
  let stored = closed.byteLength;
  try {
    await deps.objects.putObject(keys.log, closed);
  } catch (error) {
    // The log stays as the runner left it: readers have seen nothing that changes.
    deps.logger.error('could not append the closing line to the log of a lost job; closing it without', { uid: record.uid, line, error });
    stored = log.byteLength;
  }
  const complete = stored === closed.byteLength;
  await writeEnd(deps, keys, exit, stored, record.uid);
  await finish({ exit, size: stored, endedAt: now(), ...(complete ? {} : { logIncomplete: true }) });
  deps.logger.info('closed a job no runner will finish', { uid: record.uid, exit, line, ...(complete ? {} : { 'log-incomplete': true }) });
}

/**
 * Writes exit, then size (last). If they cannot be written the record still ends the job:
 * `GET /api/exec` answers the exit code from it once a reader reaches its size.
 */
async function writeEnd(deps: CloseJobDeps, keys: ReturnType<typeof jobKeys>, exit: number, size: number, uid: string): Promise<void> {
  try {
    await deps.objects.putObject(keys.exit, String(exit));
    await deps.objects.putObject(keys.size, String(size));
  } catch (error) {
    deps.logger.error('could not write the exit and size objects of a lost job; the record still ends it', { uid, error });
  }
}

function parseDecimal(bytes: Uint8Array | undefined): number | undefined {
  if (!bytes) return undefined;
  const text = Buffer.from(bytes).toString('utf8').trim();
  return /^-?\d+$/.test(text) ? Number(text) : undefined;
}
