import { randomUUID } from 'node:crypto';

/** A new job uid: `<unix-seconds>.<uuid>` (sorts by start time, unguessable). */
export function createUid(nowMs: number): string {
  return `${Math.floor(nowMs / 1000)}.${randomUUID()}`;
}
