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
 * Call it only after taking the job over (`takeOverJob`), so no runner writes meanwhile.
 * If the size object already exists, the runner got that far: only the record is updated.
 * Jobs with push-urls log to the caller's objects, which cannot be read back here: their
 * record is marked exited and the caller's objects are left as the runner left them.
 */
export async function closeJob(deps: CloseJobDeps, record: JobRecord, exit: number, line: string): Promise<void> {
  const now = deps.now ?? Date.now;
  if (record['push-urls']) {
    await deps.jobs.finishJob(record.uid, { exit, endedAt: now() });
    return;
  }
  const keys = jobKeys(record['auth-name'], record.uid);
  const [existingSize, existingExit] = await Promise.all([deps.objects.readObject(keys.size), deps.objects.readObject(keys.exit)]);
  const size = parseDecimal(existingSize);
  if (size !== undefined) {
    await deps.jobs.finishJob(record.uid, { exit: parseDecimal(existingExit) ?? exit, size, endedAt: now() });
    return;
  }
  const log = (await deps.objects.readObject(keys.log)) ?? new Uint8Array();
  const needsNewline = log.byteLength > 0 && log[log.byteLength - 1] !== 0x0a;
  const closed = Buffer.concat([log, Buffer.from(`${needsNewline ? '\n' : ''}${line}\n`)]);
  await deps.objects.putObject(keys.log, closed);
  await deps.objects.putObject(keys.exit, String(exit));
  await deps.objects.putObject(keys.size, String(closed.byteLength));
  await deps.jobs.finishJob(record.uid, { exit, size: closed.byteLength, endedAt: now() });
  deps.logger.info('closed a job no runner will finish', { uid: record.uid, exit, line });
}

function parseDecimal(bytes: Uint8Array | undefined): number | undefined {
  if (!bytes) return undefined;
  const text = Buffer.from(bytes).toString('utf8').trim();
  return /^-?\d+$/.test(text) ? Number(text) : undefined;
}
