import { describe, expect, it } from 'vitest';
import { authItemId, hashAuthKey, hashLegacyAuthKey } from '../../../backend/auth/key-hash.js';
import { formatJobAuthName } from '../../../protocol/index.js';

// Known answers computed outside our code, with Python's hashlib:
//   python3 -c 'import hashlib; print(hashlib.blake2b(b"abc", digest_size=32).hexdigest())'
// BLAKE2b-256 is BLAKE2b with a 32-byte digest as a parameter, not BLAKE2b-512 cut short,
// so the 64-byte digest's prefix must not come out.
const BLAKE2B_256 = [
  ['', '0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8'],
  ['abc', 'bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319'],
  ['0'.repeat(64), '681df247e1ece8365db91166ed273590019df392004d2ea25543335c71bbe2d2'],
] as const;

describe('auth key hashes', () => {
  it.each(BLAKE2B_256)('hashes %j with BLAKE2b-256 as the original does (exec.Blake2b32)', (key, hex) => {
    expect(hashAuthKey(key)).toBe(hex);
  });

  it('differs from the first half of BLAKE2b-512', async () => {
    const { createHash } = await import('node:crypto');
    expect(createHash('blake2b512').update('abc').digest('hex').slice(0, 64)).not.toBe(hashAuthKey('abc'));
  });

  it('hashes legacy keys with SHA-256, as our earlier releases did', () => {
    expect(hashLegacyAuthKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it("forms the item id and the job auth-name as the original's checkAuth", () => {
    const hash = hashAuthKey('0'.repeat(64));
    const id = authItemId(hash);
    expect(id).toBe('auth.681df247e1ece8365db91166ed273590019df392004d2ea25543335c71bbe2d2');
    // backend.go: val.Value + ":" + val.ID[5:21]
    expect(formatJobAuthName('alice', hash)).toBe(`alice:${id.slice(5, 21)}`);
    expect(formatJobAuthName('alice', hash)).toBe('alice:681df247e1ece836');
  });
});
