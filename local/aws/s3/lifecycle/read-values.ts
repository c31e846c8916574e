import { malformedXml, S3Error } from '../errors.js';
import type { LifecycleRule } from './config.js';
import { DAY_MS } from './expiry.js';

const INT32_MAX = 2 ** 31 - 1;

/** Reads an XML integer (S3's `integer` is 32 bits, its `long` 64), or throws MalformedXML saying what came. */
export function readInteger(text: string, name: string, max = INT32_MAX): number {
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (!/^[+-]?\d{1,19}$/.test(trimmed) || Math.abs(value) > max) {
    throw malformedXml(`expected ${name} to be an integer of at most ${max}, got \`${text.slice(0, 50)}\``);
  }
  return value;
}

/** Reads an integer that must be at least 1: InvalidArgument with S3's `message` otherwise. */
export function readPositive(text: string, name: string, message: string): number {
  const value = readInteger(text, name);
  if (value < 1) throw new S3Error(400, 'InvalidArgument', message);
  return value;
}

// ISO 8601 as the SDKs write timestamps ("2030-01-01T00:00:00Z", with or without fractions or
// an offset; without one it is UTC) or a bare date.
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?)?$/;

function readDate(text: string): number {
  const trimmed = text.trim();
  const match = ISO_DATE.exec(trimmed);
  const iso = !match ? undefined : match[1] === undefined ? `${trimmed}T00:00:00Z` : match[3] === undefined ? `${trimmed}Z` : trimmed;
  const ms = iso === undefined ? NaN : Date.parse(iso);
  if (Number.isNaN(ms)) throw malformedXml(`expected Date to be an ISO 8601 date such as 2030-01-01T00:00:00Z, got \`${text.slice(0, 50)}\``);
  if (ms % DAY_MS !== 0) throw new S3Error(400, 'InvalidArgument', "'Date' must be at midnight GMT");
  return ms;
}

function readBoolean(text: string, name: string): boolean {
  const trimmed = text.trim();
  if (trimmed !== 'true' && trimmed !== 'false') throw malformedXml(`expected ${name} to be true or false, got \`${text.slice(0, 50)}\``);
  return trimmed === 'true';
}

/** Reads a rule's Expiration: exactly one of Days (at least 1), Date (a midnight UTC) and ExpiredObjectDeleteMarker. */
export function readExpiration(given: { Days?: string; Date?: string; ExpiredObjectDeleteMarker?: string }): NonNullable<LifecycleRule['expiration']> {
  const present = Object.keys(given);
  if (present.length !== 1) {
    throw malformedXml(`expected exactly one of Days, Date and ExpiredObjectDeleteMarker in an Expiration, got ${present.length === 0 ? 'none' : present.join(', ')}`);
  }
  if (given.Days !== undefined) return { days: readPositive(given.Days, 'Days', "'Days' for Expiration action must be a positive integer") };
  if (given.Date !== undefined) return { dateMs: readDate(given.Date) };
  return { expiredObjectDeleteMarker: readBoolean(given.ExpiredObjectDeleteMarker ?? '', 'ExpiredObjectDeleteMarker') };
}
