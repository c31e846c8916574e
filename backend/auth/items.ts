import { z } from 'zod';
import { AUTH_ID_PREFIX, AuthName, JobAuthName, LEGACY_AUTH_NAME_ID_PREFIX, formatJobAuthName, parseScopes, type ScopeSet } from '../../protocol/index.js';

// The auth items of the table, as each writer wrote them:
// - the original Go aws-exec's `auth-new` (cmd/auth/new.go): PutItem of
//   attributevalue.MarshalMap(exec.Record{ID: "auth.<blake2b hex>", Value: name}), i.e.
//   exactly `{id, value}`; several keys may carry one name;
// - ours: the same item plus `created-at` (epoch ms). Go's reader ignores attributes that
//   are no field of its struct (aws-sdk-go-v2 feature/dynamodb/attributevalue decode.go,
//   decodeMap: `if f, ok := fields.FieldByName(k); ok`), so Go's auth-ls and checkAuth
//   read our items unchanged;
// - our releases before Go-form keys ("legacy"): `auth.<sha256 hex>` → {value: name,
//   created-at} and `auth-name.<name>` → {value: sha256 hex, created-at};
// - ours, for a key with limits (scopes, an expiry, another key's auth-name, its own cap on
//   running jobs): `{id, value: "", name, scopes?, expires-at?, auth-name?, max-running?,
//   created-at}`. The empty value makes the Go backend refuse the key (checkAuth: an empty
//   value is unauthorized) instead of granting it every right, since Go knows no limits.

/** Any item under `auth.<hash>`: only id and value are certain (Go writes nothing else). */
export const AuthKeyItem = z.object({
  id: z.string().startsWith(AUTH_ID_PREFIX),
  value: z.string(),
  'created-at': z.number().optional(),
  /** The name of a key with limits (whose value is empty). */
  name: z.string().optional(),
  /** What the key may do (protocol/scopes.ts); absent: everything. */
  scopes: z.array(z.string()).optional(),
  /** When the key stops working, epoch ms. */
  'expires-at': z.number().int().optional(),
  /** The auth-name its jobs are filed under, when not its own (a key made for another key's jobs). */
  'auth-name': z.string().optional(),
  /** Its own cap on jobs queued or running at once (else KEY_MAX_RUNNING_JOBS). */
  'max-running': z.number().int().min(0).optional(),
  /** DynamoDB TTL (epoch s): an expiring key's item goes a while after it expired. */
  ttl: z.number().int().optional(),
});
export type AuthKeyItem = z.infer<typeof AuthKeyItem>;

/** What a key item grants, as the lookup and `auth ls` read it. */
export interface KeyGrant {
  name: string;
  /** The auth-name of its jobs. */
  authName: string;
  /** Its rights; undefined: every right. */
  scopes: ScopeSet | undefined;
  /** Its scopes as stored, for display. */
  scopeList: string[] | undefined;
  expiresAt: number | undefined;
  maxRunning: number | undefined;
}

/**
 * Reads a key item found under `auth.<hash>` by its BLAKE2b hash. A Go-written `{id,
 * value}` grants every right under `value:<16 hex>` (checkAuth); an item with limits grants
 * what they say. Undefined (the key is refused) when the item is missing, has no name, an
 * auth-name that could not key S3 objects, or limits this code cannot read: a limit is
 * never ignored.
 */
export function readKeyItem(item: unknown, hashHex: string): KeyGrant | undefined {
  const parsed = AuthKeyItem.safeParse(item);
  if (!parsed.success) return undefined;
  const data = parsed.data;
  const name = data.value !== '' ? data.value : (data.name ?? '');
  if (name === '') return undefined;
  const authName = data['auth-name'] ?? formatJobAuthName(name, hashHex);
  if (!JobAuthName.safeParse(authName).success) return undefined;
  let scopes: ScopeSet | undefined;
  try {
    scopes = data.scopes === undefined ? undefined : parseScopes(data.scopes);
  } catch {
    return undefined;
  }
  return { name, authName, scopes, scopeList: data.scopes, expiresAt: data['expires-at'], maxRunning: data['max-running'] };
}

/** What our releases before Go-form keys wrote under `auth.<sha256>`: a plain name and its creation time. */
const LegacyAuthKeyItem = z.object({ value: AuthName, 'created-at': z.number() });

/** An `auth-name.<name>` item of those releases: the SHA-256 hex of the name's key. */
export const LegacyNameItem = z.object({ id: z.string().startsWith(LEGACY_AUTH_NAME_ID_PREFIX), value: z.string() });

/**
 * The auth-name of a key found under `auth.<hash>` by its BLAKE2b hash, as checkAuth forms
 * it (backend.go: an empty value is unauthorized; else `value + ":" + id[5:21]`); undefined
 * when the item is missing, has no string value, or the auth-name could not key S3 objects.
 */
export function authNameOfKeyItem(item: unknown, hashHex: string): string | undefined {
  return readKeyItem(item, hashHex)?.authName;
}

/**
 * The auth-name of a key found under `auth.<sha256>`: only an item such as our earlier
 * releases wrote (a plain name and `created-at`, which the original never writes) counts,
 * and it keeps its bare name, the folder its earlier jobs are in.
 */
export function authNameOfLegacyKeyItem(item: unknown): string | undefined {
  const parsed = LegacyAuthKeyItem.safeParse(item);
  return parsed.success ? parsed.data.value : undefined;
}
