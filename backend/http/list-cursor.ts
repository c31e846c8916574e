import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { JobStatus } from '../../protocol/index.js';
import { BadRequestError } from '../errors.js';
import type { JobPosition } from '../jobs/store.js';

// The `next` / `cursor` of GET /api/jobs: `<payload>.<check>`, both base64url. The payload is
// the position after which the next page starts (a record's start time and table id, always
// one of the caller's own records: the listing reads only the caller's partition of the
// index). The check is HMAC-SHA256 over the payload and the status filter, keyed with the
// caller's auth-name, cut to 16 bytes: any change to the cursor, or its use by another key or
// with another filter, fails it and is answered 400. It is an integrity check, not a secret:
// a cursor could only ever move the caller within their own jobs, because the partition read
// comes from the caller's authentication, never from the cursor.

const VERSION = 1;
const CHECK_BYTES = 16;
const Payload = z.tuple([z.literal(VERSION), z.number().int().min(0), z.string().min(1).max(1024)]);

const MISMATCH =
  'Expected cursor to be the `next` of an earlier GET /api/jobs answer to this key with the same status filter, ' +
  'got one that was altered or belongs to another listing';

/** The cursor a client passes back to continue a listing after `position`. */
export function writeListCursor(position: JobPosition, authName: string, statuses: readonly JobStatus[] | undefined): string {
  const payload = Buffer.from(JSON.stringify([VERSION, position.startedAt, position.id])).toString('base64url');
  return `${payload}.${checkOf(payload, authName, statuses).toString('base64url')}`;
}

/** The position a cursor names; BadRequestError when it is not one this key's listing with this filter made. */
export function readListCursor(cursor: string, authName: string, statuses: readonly JobStatus[] | undefined): JobPosition {
  const [payload, check, extra] = cursor.split('.');
  if (payload === undefined || check === undefined || extra !== undefined) throw new BadRequestError(MISMATCH);
  // Compared as text: base64url decoding ignores a last character's unused bits, so two texts can decode alike.
  const expected = Buffer.from(checkOf(payload, authName, statuses).toString('base64url'));
  const given = Buffer.from(check);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new BadRequestError(MISMATCH);
  const parsed = Payload.safeParse(parseJson(Buffer.from(payload, 'base64url').toString('utf8')));
  if (!parsed.success) throw new BadRequestError(MISMATCH, { cause: parsed.error });
  return { startedAt: parsed.data[1], id: parsed.data[2] };
}

function checkOf(payload: string, authName: string, statuses: readonly JobStatus[] | undefined): Buffer {
  const filter = statuses === undefined ? '*' : [...statuses].sort().join(',');
  return createHmac('sha256', authName).update(`${payload}\n${filter}`).digest().subarray(0, CHECK_BYTES);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
