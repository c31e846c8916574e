import { Uid } from '../../../protocol/schemas.js';

/** Where the page is: the home (prompt and recent jobs) or one job (`#/job/<uid>`). */
export type Route = { page: 'home' } | { page: 'job'; uid: string };

/** Reads a location hash; anything unknown is the home. */
export function parseRoute(hash: string): Route {
  const match = /^#\/job\/([^/?#]+)$/.exec(hash);
  const uid = match ? decodeURIComponent(match[1] ?? '') : '';
  return match && Uid.safeParse(uid).success ? { page: 'job', uid } : { page: 'home' };
}

/** The hash of a job's own page. */
export function jobHash(uid: string): string {
  return `#/job/${encodeURIComponent(uid)}`;
}
