import { createHash, createHmac, hash } from 'node:crypto';
import type { MaskRule } from './args.js';
import type { Column } from './catalog.js';
import { escapeCopyText, unescapeCopyText } from './copy-text.js';
import { DbCopyError } from './errors.js';
import { FIRST_NAMES, LAST_NAMES } from './fakes.js';
import type { FieldMask } from './mask-stream.js';

/**
 * The keyed hash of every key-based rule: SHA-256 over a 64-byte block derived from the
 * secret (two HMAC-SHA256 of it, computed once) followed by the value, truncated to its
 * first 16 bytes. One one-shot SHA-256 call per value instead of HMAC's two: the hash rule
 * masks ~2x as many values per second (measured). Only 16 of the 32 bytes ever leave it,
 * which rules out length extension, the weakness of a bare secret prefix.
 */
export function createKeyedHash(key: string): (value: Buffer) => Buffer {
  const block = Buffer.concat([1, 2].map((part) => createHmac('sha256', key).update(`db-copy mask block ${part}`).digest()));
  const input = Buffer.alloc(64 + 4096);
  block.copy(input);
  return (value) => {
    if (value.length > 4096) return createHash('sha256').update(block).update(value).digest().subarray(0, 16);
    value.copy(input, 64);
    return (hash('sha256', input.subarray(0, 64 + value.length), 'buffer') as unknown as Buffer).subarray(0, 16);
  };
}

/** The rules that keep a column's values distinct (given distinct inputs). */
const KEEPS_UNIQUE = new Set<MaskRule['rule']>(['hash', 'email', 'name', 'phone', 'null']);
const NEEDS_TEXT = new Set<MaskRule['rule']>(['hash', 'email', 'name', 'phone', 'partial', 'regex']);

/** Rules that need the secret key. */
export function needsKey(rule: MaskRule): boolean {
  return rule.rule === 'hash' || rule.rule === 'email' || rule.rule === 'name' || rule.rule === 'phone';
}

/**
 * Refuses a rule that cannot apply to its column: NULL into NOT NULL, a text rule on a
 * non-text column, or a rule that would make a UNIQUE column's values collide.
 */
export function checkRule(rule: MaskRule, column: Column, where: string): void {
  if (rule.rule === 'null' && column.notNull) throw new DbCopyError(`Expected a nullable column for mask rule null, got ${where} which is NOT NULL`);
  if (NEEDS_TEXT.has(rule.rule) && !column.textual) {
    throw new DbCopyError(`Expected a text column for mask rule ${rule.rule}, got ${where} of type ${column.type} (use fixed or null)`);
  }
  if (column.unique && !KEEPS_UNIQUE.has(rule.rule)) {
    throw new DbCopyError(`Expected a rule that keeps values distinct for the UNIQUE column ${where}, got ${rule.rule} (use hash, email, name or phone)`);
  }
}

/** The longest output a rule can produce, to warn when a varchar(n) limit cuts it. */
export function longestOutput(rule: MaskRule, column: Column): number | undefined {
  switch (rule.rule) {
    case 'hash':
      return 32;
    case 'email':
      return 48;
    case 'name':
      return column.unique ? 37 : 20;
    case 'phone':
      return column.unique ? 37 : 15;
    default:
      return undefined;
  }
}

/** Builds the field function of a rule for a column; hash-based rules use `hash` (keyed). */
export function compileRule(rule: MaskRule, column: Column, hash: ((value: Buffer) => Buffer) | undefined): FieldMask {
  const fit = column.maxLength === undefined ? (text: string) => text : (text: string) => Array.from(text).slice(0, column.maxLength).join('');
  const digestOf = (raw: Buffer) => {
    if (hash === undefined) throw new DbCopyError(`Expected a mask key for rule ${rule.rule}, got none`);
    return hash(raw.indexOf(0x5c) === -1 ? raw : Buffer.from(unescapeCopyText(raw), 'utf8'));
  };
  switch (rule.rule) {
    case 'null':
      return () => null;
    case 'fixed': {
      const value = escapeCopyText(fit(rule.value));
      return () => value;
    }
    case 'hash':
      if (column.maxLength === undefined) return (raw) => hexOf(digestOf(raw), 16);
      return (raw) => Buffer.from(fit(digestOf(raw).toString('hex', 0, 16)), 'latin1');
    case 'email':
      return (raw) => Buffer.from(fit(fakeEmail(digestOf(raw))), 'utf8');
    case 'name':
      return (raw) => Buffer.from(fit(fakeName(digestOf(raw), column.unique)), 'utf8');
    case 'phone':
      return (raw) => Buffer.from(fit(fakePhone(digestOf(raw), column.unique)), 'latin1');
    case 'partial': {
      const { keep, char } = rule;
      const filler = escapeCopyText(char);
      return (raw) => {
        const fast = keepLastCharacters(raw, keep, filler);
        if (fast !== undefined) return fast;
        const chars = Array.from(unescapeCopyText(raw));
        const kept = keep === 0 ? [] : chars.slice(-keep);
        return escapeCopyText(char.repeat(chars.length - kept.length) + kept.join(''));
      };
    }
    case 'regex': {
      const pattern = new RegExp(rule.pattern, rule.flags);
      return (raw) => escapeCopyText(fit(unescapeCopyText(raw).replace(pattern, rule.replacement)));
    }
  }
}

const HEX = Buffer.from('0123456789abcdef', 'latin1');

/** The first `count` bytes of a digest as lower-case hex, written straight into a Buffer. */
function hexOf(digest: Buffer, count: number): Buffer {
  const out = Buffer.allocUnsafe(count * 2);
  for (let index = 0; index < count; index++) {
    const byte = digest[index] as number;
    out[index * 2] = HEX[byte >> 4] as number;
    out[index * 2 + 1] = HEX[byte & 15] as number;
  }
  return out;
}

const BACKSLASH = 0x5c;

/**
 * `partial` on the COPY text bytes themselves: the last `keep` characters kept as they are
 * (escapes included), each earlier one replaced by `filler`. A character is a UTF-8
 * sequence or a one-character escape (`\t`, `\\`...). Returns undefined for a field with an
 * octal or hex escape (PostgreSQL never writes them), which takes the decoding path.
 */
function keepLastCharacters(raw: Buffer, keep: number, filler: Buffer): Buffer | undefined {
  const starts = new Int32Array(keep + 1);
  let count = 0;
  for (let index = 0; index < raw.length; index++) {
    const byte = raw[index] as number;
    if ((byte & 0xc0) === 0x80) continue;
    starts[count % (keep + 1)] = index;
    count++;
    if (byte === BACKSLASH) {
      const next = raw[index + 1];
      if (next === undefined || (next >= 0x30 && next <= 0x37) || next === 0x78) return undefined;
      index++;
    }
  }
  if (count <= keep) return raw;
  const from = keep === 0 ? raw.length : (starts[(count - keep) % (keep + 1)] as number);
  const masked = count - keep;
  const out = Buffer.allocUnsafe(masked * filler.length + raw.length - from);
  if (filler.length === 1) out.fill(filler[0] as number, 0, masked);
  else for (let index = 0; index < masked; index++) filler.copy(out, index * filler.length);
  raw.copy(out, masked * filler.length, from);
  return out;
}

function pick(list: readonly string[], digest: Buffer, offset: number): string {
  return list[digest.readUInt16BE(offset) % list.length] as string;
}

/** `first.last.<16 hex>@example.com`: 64 bits of the digest keep distinct inputs distinct. */
function fakeEmail(digest: Buffer): string {
  return `${pick(FIRST_NAMES, digest, 0)}.${pick(LAST_NAMES, digest, 2)}.${digest.toString('hex', 4, 12)}@example.com`.toLowerCase();
}

function fakeName(digest: Buffer, unique: boolean): string {
  const name = `${pick(FIRST_NAMES, digest, 0)} ${pick(LAST_NAMES, digest, 2)}`;
  return unique ? `${name} ${digest.toString('hex', 4, 12)}` : name;
}

/** A US number in the 555 range reserved for fiction; UNIQUE columns get a 64-bit extension. */
function fakePhone(digest: Buffer, unique: boolean): string {
  const digits = (digest.readUInt32BE(4) % 10_000_000).toString().padStart(7, '0');
  const phone = `+1-555-${digits.slice(0, 3)}-${digits.slice(3)}`;
  return unique ? `${phone} x${digest.readBigUInt64BE(8).toString().padStart(20, '0')}` : phone;
}
