/**
 * A small seeded pseudo-random generator (mulberry32: 32-bit state, period 2^32), enough
 * to decide which requests fail; never for anything secret.
 */
export type Random = () => number;

/** A generator of numbers in [0, 1) from a 32-bit seed. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed from a seed and a name (FNV-1a over both), so each name draws its own sequence. */
export function deriveSeed(seed: number, name: string): number {
  let hash = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
