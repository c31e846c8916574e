import type { JobEndedEvent } from '../../protocol/index.js';
import type { JobRecord } from '../jobs/record.js';

/** Longest program or command name an event carries. */
const MAX_NAME_CHARS = 256;

/**
 * The end event of an exited job, built from its record alone, so that every attempt (by the
 * runner, a closer or the sweep, before or after a restart) sends the same bytes. Undefined
 * for a job that has not exited.
 */
export function buildJobEndedEvent(record: JobRecord): JobEndedEvent | undefined {
  if (record.status !== 'exited' || record.exit === undefined || record['ended-at'] === undefined) return undefined;
  const endedAt = record['ended-at'];
  return {
    type: 'job.ended',
    timestamp: new Date(endedAt).toISOString(),
    data: {
      uid: record.uid,
      'auth-name': record['auth-name'],
      exit: record.exit,
      ...(record.size !== undefined ? { size: record.size } : {}),
      'duration-ms': Math.max(0, endedAt - record['started-at']),
      'started-at': record['started-at'],
      'ended-at': endedAt,
      command: record.argv
        ? { kind: 'argv', program: (record.argv[0] ?? '').slice(0, MAX_NAME_CHARS), args: record.argv.length - 1 }
        : { kind: 'rpc', 'rpc-name': (record['rpc-name'] ?? '').slice(0, MAX_NAME_CHARS) },
      ...(record['log-incomplete'] ? { 'log-incomplete': true } : {}),
    },
  };
}
