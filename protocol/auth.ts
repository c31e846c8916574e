// Auth keys as the original Go aws-exec stores them (nathants/aws-exec cmd/auth/new.go,
// backend/backend.go checkAuth): the table item `auth.<BLAKE2b-256 hex of the key>` holds
// the key's name in `value`, and a job's auth-name is `<name>:<first 16 hex of that hash>`.
// The hash itself is computed in backend/auth/key-hash.ts (this folder imports zod only);
// Web Crypto (global in Node 20 and browsers) keeps this file free of imports.

/** Prefix of the table item ids that map a key's hash to its name: `auth.<hash hex>`. */
export const AUTH_ID_PREFIX = 'auth.';

/**
 * Prefix of the items that reserved a name in our releases before Go-form keys
 * (`auth-name.<name>` → SHA-256 hex of the key). No longer written; read to recognise
 * and remove those releases' keys.
 */
export const LEGACY_AUTH_NAME_ID_PREFIX = 'auth-name.';

/** How many hex characters of the key's hash follow the name in a job's auth-name. */
export const AUTH_NAME_HASH_CHARS = 16;

/**
 * A job's auth-name as the original forms it, `<name>:<first 16 hex of the key's hash>`
 * (backend.go checkAuth: `val.Value + ":" + val.ID[5:21]`, where ID is `auth.<hash>`).
 */
export function formatJobAuthName(name: string, keyHashHex: string): string {
  return `${name}:${keyHashHex.slice(0, AUTH_NAME_HASH_CHARS)}`;
}

/** A new random key: 32 bytes as 64 hex characters (exec.go RandKey). */
export function generateAuthKey(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
