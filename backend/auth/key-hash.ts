import { createHash } from 'node:crypto';
import { blake2b } from '@noble/hashes/blake2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { AUTH_ID_PREFIX } from '../../protocol/index.js';

/**
 * BLAKE2b with a 32-byte digest of a key, as lowercase hex: the original's `exec.Blake2b32`
 * (nathants/aws-exec exec/exec.go: `blake2b.Sum256([]byte(x))`, hex-encoded). Node's crypto
 * offers BLAKE2b only with a 64-byte digest, a different function (the digest length is a
 * parameter of the hash), hence @noble/hashes.
 */
export function hashAuthKey(key: string): string {
  return bytesToHex(blake2b(new TextEncoder().encode(key), { dkLen: 32 }));
}

/** SHA-256 of a key as lowercase hex: how our releases before Go-form keys stored keys. */
export function hashLegacyAuthKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The table id of a key's item: `auth.<hash hex>`. */
export function authItemId(hashHex: string): string {
  return `${AUTH_ID_PREFIX}${hashHex}`;
}
