import { mayStartArgv, mayStartCommand, parseScopes, type ScopeSet } from '../../../protocol/scopes.js';
import type { KeyInfoResponse } from '../../../client/index.js';

/** What the page offers: only what the key (or share link) may do. */
export interface PageAccess {
  /** Its rights; undefined: every right. */
  scopes: ScopeSet | undefined;
  /** The prompt (shell commands need `exec`). */
  shell: boolean;
  /** The recent jobs (a share link may not list). */
  list: boolean;
  /** Share links of its jobs. */
  share: boolean;
}

/** Everything, as a key without scopes (and the page before it has asked). */
export const FULL_ACCESS: PageAccess = { scopes: undefined, shell: true, list: true, share: true };

/** A share link: the one job's log, nothing else. */
export const SHARE_ACCESS: PageAccess = { scopes: { exec: false, read: false, rpc: new Set() }, shell: false, list: false, share: false };

/** The page's access from `GET /api/key`. */
export function accessOf(info: KeyInfoResponse): PageAccess {
  if (info.kind === 'share') return SHARE_ACCESS;
  let scopes: ScopeSet | undefined;
  try {
    scopes = info.scopes === null ? undefined : parseScopes(info.scopes);
  } catch {
    scopes = { exec: false, read: true, rpc: new Set() };
  }
  return { scopes, shell: mayStartArgv(scopes), list: true, share: true };
}

/** Whether the key may start (and so cancel and re-run) a job like this one. */
export function mayStartLike(access: PageAccess, job: { argv?: string[] | undefined; 'rpc-name'?: string | undefined } | undefined): boolean {
  if (!job) return access.shell;
  const name = job['rpc-name'];
  return name !== undefined && !job.argv ? mayStartCommand(access.scopes, name) : mayStartArgv(access.scopes);
}
