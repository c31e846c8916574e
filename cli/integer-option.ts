import { InvalidArgumentError } from 'commander';

/** Parses a non-negative integer option value (an offset, a port). */
export function parseNonNegativeInteger(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError(`Expected a non-negative integer, got \`${value}\`.`);
  return Number(value);
}
