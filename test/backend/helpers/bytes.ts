/** `size` bytes that differ from position to position (and from seed to seed), so a misplaced or repeated byte shows. */
export function patternedBytes(size: number, seed: number): Buffer {
  return Buffer.from(Uint8Array.from({ length: size }, (_, i) => (i * 31 + seed * 7 + (i >> 12)) & 0xff));
}
