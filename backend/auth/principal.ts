import type { ScopeSet } from '../../protocol/index.js';

/** Who a request's `auth` header names: a key, or a share link. */
export type Principal = KeyPrincipal | SharePrincipal;

/** A key found in the auth table. */
export interface KeyPrincipal {
  kind: 'key';
  /** Its table id, `auth.<hash hex>`. */
  id: string;
  /** The hex hash it is stored under: the unit of the per-key limit on running jobs. */
  hash: string;
  /** The auth-name of its jobs. */
  authName: string;
  /** Its rights; undefined: every right (no scopes, as every key before scopes). */
  scopes: ScopeSet | undefined;
  /** Its scopes as stored, for `GET /api/key`. */
  scopeList: string[] | undefined;
  /** When it stops working (epoch ms); undefined: never. */
  expiresAt: number | undefined;
  /** Its own cap on jobs queued or running at once; undefined: the configured default. */
  maxRunning: number | undefined;
}

/** A share link: it may follow one job, and do nothing else. */
export interface SharePrincipal {
  kind: 'share';
  /** The share's id (the BLAKE2b hex of its token). */
  id: string;
  uid: string;
  /** The auth-name of the shared job. */
  authName: string;
  expiresAt: number;
}
