import { setFlagsFromString } from 'node:v8';

/** V8's own growth factor of the young generation (`node --v8-options`: --semi-space-growth-factor=2, Node 20 and 22). */
const DEFAULT_GROWTH_FACTOR = 2;

/**
 * Keeps V8's young generation (its two semi-spaces, 1 MB each at start) from growing while
 * `serve` loads its code: loading keeps most of what it allocates, and V8 answers that by
 * doubling the semi-spaces up to 8 MB each, pages that stay resident (about 13 MB of the idle
 * runtime's RSS) until V8's memory reducer runs, often not for minutes. V8 reads the factor each
 * time it grows them (src/heap/new-spaces.cc: SemiSpaceNewSpace::Grow, new capacity = factor ×
 * capacity), so 1 keeps them as they are. It is set at run time because V8 raises a factor
 * below 2 given on the command line to 2 (flag-definitions.h: DEFINE_MIN_VALUE_IMPLICATION);
 * Node calls flags changed after start undefined behaviour, so a V8 that ignores it only costs
 * the memory this saves (README, "Memory at rest").
 */
export function holdYoungGeneration(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}

/** Lets the young generation grow again under load, as V8 does by default (once `serve` has started). */
export function releaseYoungGeneration(): void {
  setFlagsFromString(`--semi-space-growth-factor=${DEFAULT_GROWTH_FACTOR}`);
}
