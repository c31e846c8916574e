import { parseShareLink } from '../../../protocol/access.js';
import { Uid } from '../../../protocol/schemas.js';

/**
 * Where the page is: the home (prompt and recent jobs), one job (`#/job/<uid>`, or
 * `#/job/<uid>/L123` opened at line 123), or a job address whose uid is not one
 * (`#/job/not-a-uid`), which shows the same not-found state as an unknown job.
 */
export type Route =
  | { page: 'home' }
  | { page: 'job'; uid: string; line?: number }
  | { page: 'not-found'; uid: string }
  | { page: 'share'; uid: string; token: string };

/** Reads a location hash; anything unknown is the home. A share link (`#/share/<uid>/<token>`) opens without sign-in. */
export function parseRoute(hash: string): Route {
  const shared = parseShareLink(hash);
  if (shared) return { page: 'share', ...shared };
  const match = /^#\/job\/([^/?#]*)(?:\/L(\d{1,9}))?\/?$/.exec(hash);
  if (!match) return { page: 'home' };
  let uid: string;
  try {
    uid = decodeURIComponent(match[1] ?? '');
  } catch {
    uid = match[1] ?? '';
  }
  if (!Uid.safeParse(uid).success) return { page: 'not-found', uid };
  const line = match[2] === undefined ? undefined : Number(match[2]);
  return line !== undefined && line >= 1 ? { page: 'job', uid, line } : { page: 'job', uid };
}

/** The hash of a job's own page. */
export function jobHash(uid: string): string {
  return `#/job/${encodeURIComponent(uid)}`;
}

/** The hash of one line of a job's log (1-based, as shown). */
export function lineHash(uid: string, line: number): string {
  return `${jobHash(uid)}/L${line}`;
}
