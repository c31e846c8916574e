import { z } from 'zod';
import { AUTH_ID_PREFIX, AuthName, JobAuthName, LEGACY_AUTH_NAME_ID_PREFIX, formatJobAuthName } from '../../protocol/index.js';

// The auth items of the table, as each writer wrote them:
// - the original Go aws-exec's `auth-new` (cmd/auth/new.go): PutItem of
//   attributevalue.MarshalMap(exec.Record{ID: "auth.<blake2b hex>", Value: name}), i.e.
//   exactly `{id, value}`; several keys may carry one name;
// - ours: the same item plus `created-at` (epoch ms). Go's reader ignores attributes that
//   are no field of its struct (aws-sdk-go-v2 feature/dynamodb/attributevalue decode.go,
//   decodeMap: `if f, ok := fields.FieldByName(k); ok`), so Go's auth-ls and checkAuth
//   read our items unchanged;
// - our releases before Go-form keys ("legacy"): `auth.<sha256 hex>` → {value: name,
//   created-at} and `auth-name.<name>` → {value: sha256 hex, created-at}.

/** Any item under `auth.<hash>`: only id and value are certain (Go writes nothing else). */
export const AuthKeyItem = z.object({
  id: z.string().startsWith(AUTH_ID_PREFIX),
  value: z.string(),
  'created-at': z.number().optional(),
});
export type AuthKeyItem = z.infer<typeof AuthKeyItem>;

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
  const parsed = AuthKeyItem.safeParse(item);
  if (!parsed.success || parsed.data.value === '') return undefined;
  const authName = formatJobAuthName(parsed.data.value, hashHex);
  return JobAuthName.safeParse(authName).success ? authName : undefined;
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
