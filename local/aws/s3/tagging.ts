import { z } from 'zod';
import { S3Error } from './errors.js';
import type { ObjectRow } from './store/index.js';

const MAX_TAGS = 10;
const Tags = z.array(z.tuple([z.string(), z.string()]));

/** An object's tags, as stored. */
export type TagPairs = z.infer<typeof Tags>;

/** Throws 400 InvalidTag unless the tags follow S3's limits; returns them as stored JSON. */
export function serializeTags(pairs: TagPairs): string {
  if (pairs.length > MAX_TAGS) throw invalidTag(`Object tags cannot be greater than ${MAX_TAGS}: got ${pairs.length}`);
  const seen = new Set<string>();
  for (const [key, value] of pairs) {
    if (key.length === 0 || key.length > 128) throw invalidTag(`The TagKey you have provided is invalid: expected 1 to 128 characters, got ${key.length}`);
    if (value.length > 256) throw invalidTag(`The TagValue you have provided is invalid: expected at most 256 characters, got ${value.length}`);
    if (seen.has(key)) throw invalidTag(`Cannot provide multiple Tags with the same key: \`${key}\``);
    seen.add(key);
  }
  return JSON.stringify(pairs);
}

/** Reads the x-amz-tagging header (URL-encoded `k1=v1&k2=v2`) into stored JSON. */
export function readTaggingHeader(value: string | undefined): string {
  if (value === undefined || value === '') return '[]';
  return serializeTags([...new URLSearchParams(value)]);
}

/** Parses an object's stored tags. */
export function readTags(row: Pick<ObjectRow, 'tags'>): TagPairs {
  if (row.tags === '[]') return [];
  const parsed = Tags.safeParse(JSON.parse(row.tags));
  if (!parsed.success) throw new Error(`Expected stored tags to be [key, value] pairs: ${parsed.error.message}`);
  return parsed.data;
}

function invalidTag(message: string): S3Error {
  return new S3Error(400, 'InvalidTag', message);
}
