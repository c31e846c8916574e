// Auth keys are stored only as a hash. Web Crypto (global in Node 20 and browsers) keeps
// this file free of imports so every piece can share it.

/** Prefix of the table item ids that map a key's hash to its name. */
export const AUTH_ID_PREFIX = 'auth.';

/** Prefix of the table item ids that reserve a name (names are unique). */
export const AUTH_NAME_ID_PREFIX = 'auth-name.';

/** SHA-256 of a key as lowercase hex. */
export async function hashAuthKey(key: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(key));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The table id under which a key's name is stored: `auth.<sha256 hex>`. */
export async function authRecordId(key: string): Promise<string> {
  return `${AUTH_ID_PREFIX}${await hashAuthKey(key)}`;
}

/** A new random key: 32 bytes as 64 hex characters. */
export function generateAuthKey(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
