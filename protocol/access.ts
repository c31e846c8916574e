import * as z from 'zod/mini';
import { ensureEnglishMessages } from './locale.js';
import { Uid } from './schemas.js';

// The wire forms of what a key may do (GET /api/key), share links (POST and DELETE
// /api/share) and the revocation notice (POST /api/key/revoked).

ensureEnglishMessages();

/**
 * Prefix of a share link's token. A token is sent as the `auth` header, as a key is, and
 * allows one thing: following its one job (GET /api/exec of that uid).
 */
export const SHARE_TOKEN_PREFIX = 'share-';

/** A share token: the prefix and 64 hex characters (32 random bytes). */
export const ShareToken = z.string().check(z.regex(/^share-[0-9a-f]{64}$/, { error: 'Expected a share token `share-<64 hex>`' }));

/** How long a share link lasts when none is asked for, in seconds. */
export const DEFAULT_SHARE_SECONDS = 3600;
/** The longest a share link may last, in seconds (30 days, the default life of a job's objects). */
export const MAX_SHARE_SECONDS = 30 * 86_400;

/** A share's id: the BLAKE2b-256 hex of its token, as keys are stored (the token itself is never stored). */
export const ShareId = z.string().check(z.regex(/^[0-9a-f]{64}$/, { error: 'Expected a share id of 64 hex characters' }));

/** `POST /api/share` body: the job to share, and for how long (seconds). */
export const ShareRequest = z.strictObject({
  uid: Uid,
  'expires-in': z.optional(
    z.int().check(
      z.gte(60, { error: 'Expected expires-in to be at least 60 seconds' }),
      z.lte(MAX_SHARE_SECONDS, { error: `Expected expires-in to be at most ${MAX_SHARE_SECONDS} seconds (30 days)` }),
    ),
  ),
});
export type ShareRequest = z.infer<typeof ShareRequest>;

/** `POST /api/share` answer: the token (shown once), its id (to revoke it), the page's path and when it ends. */
export const ShareResponse = z.object({
  id: ShareId,
  uid: Uid,
  token: ShareToken,
  /** The page's address of the share, relative to the API's origin: `/#/share/<uid>/<token>`. */
  path: z.string(),
  'expires-at': z.int(),
});
export type ShareResponse = z.infer<typeof ShareResponse>;

/** `DELETE /api/share` query: the share's id. */
export const RevokeShareQuery = z.object({ id: ShareId });
export type RevokeShareQuery = z.infer<typeof RevokeShareQuery>;

/** `DELETE /api/share` answer. */
export const RevokeShareResponse = z.object({ id: ShareId, revoked: z.boolean() });
export type RevokeShareResponse = z.infer<typeof RevokeShareResponse>;

/** The page's path of a share link. */
export function sharePagePath(uid: string, token: string): string {
  return `/#/share/${uid}/${token}`;
}

/** Reads a share link (a URL or path ending `#/share/<uid>/<token>`); undefined when it is none. */
export function parseShareLink(text: string): { uid: string; token: string } | undefined {
  const match = /#\/share\/([^/]+)\/(share-[0-9a-f]{64})$/.exec(text.trim());
  if (!match || !z.safeParse(Uid, match[1]).success) return undefined;
  return { uid: match[1] as string, token: match[2] as string };
}

/** `GET /api/key` answer: what the calling key (or share link) may do. */
export const KeyInfoResponse = z.union([
  z.object({
    kind: z.literal('key'),
    'auth-name': z.string(),
    /** null: every right (a key made without scopes). */
    scopes: z.nullable(z.array(z.string())),
    'expires-at': z.optional(z.int()),
    /** At most this many of its jobs queued or running at once; absent: no limit. */
    'max-running': z.optional(z.int()),
  }),
  z.object({ kind: z.literal('share'), uid: Uid, 'expires-at': z.int() }),
]);
export type KeyInfoResponse = z.infer<typeof KeyInfoResponse>;

/** `POST /api/key/revoked` body: ids of keys just removed from the table (`auth.<64 hex>` or the 64 hex). */
export const RevokedKeysRequest = z.strictObject({
  ids: z.array(z.string().check(z.regex(/^(auth\.)?[0-9a-f]{64}$/, { error: 'Expected a key id `auth.<64 hex>`' }))).check(z.minLength(1), z.maxLength(100)),
});
export type RevokedKeysRequest = z.infer<typeof RevokedKeysRequest>;

/** `POST /api/key/revoked` answer: ids this process forgot, and those it kept because the table still holds them. */
export const RevokedKeysResponse = z.object({ forgotten: z.array(z.string()), 'still-present': z.array(z.string()) });
export type RevokedKeysResponse = z.infer<typeof RevokedKeysResponse>;
