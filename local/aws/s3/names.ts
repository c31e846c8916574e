import { S3Error } from './errors.js';

/** Longest object key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IP_LIKE = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/** Why a bucket name breaks S3's naming rules, or undefined when it is valid. */
export function explainInvalidBucketName(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return `be 3 to 63 characters long (it has ${name.length})`;
  if (!BUCKET_PATTERN.test(name)) {
    return 'hold only lowercase letters, digits, dots and hyphens, and begin and end with a letter or digit';
  }
  if (name.includes('..')) return 'not contain two adjacent dots';
  if (IP_LIKE.test(name)) return 'not look like an IP address';
  const prefix = RESERVED_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) return `not start with the reserved prefix \`${prefix}\``;
  const suffix = RESERVED_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix) return `not end with the reserved suffix \`${suffix}\``;
  return undefined;
}

/** Throws 400 InvalidBucketName unless the name follows S3's bucket naming rules. */
export function validateBucketName(name: string): void {
  const reason = explainInvalidBucketName(name);
  if (reason !== undefined) {
    throw new S3Error(400, 'InvalidBucketName', `The specified bucket is not valid: expected the name to ${reason}, got \`${name.slice(0, 100)}\``, {
      BucketName: name.slice(0, 100),
    });
  }
}

// Control characters (U+0000-U+001F, U+007F) are refused in keys: XML 1.0 cannot carry most of
// them, so listings holding them would break XML clients, and they are a terminal-injection
// hazard in logs. Real S3 accepts them; no aws-exec key uses them. Every other character is
// kept exactly, and keys never touch the filesystem (bodies are named by generated ids).
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** Throws unless a key is 1..1024 UTF-8 bytes without control characters. */
export function validateKey(key: string): void {
  if (key === '') throw new S3Error(400, 'InvalidArgument', 'Expected a non-empty object key');
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_KEY_BYTES) {
    throw new S3Error(400, 'KeyTooLongError', `Your key is too long: expected at most ${MAX_KEY_BYTES} bytes, got ${bytes}`, {
      Size: String(bytes),
      MaxSizeAllowed: String(MAX_KEY_BYTES),
    });
  }
  const match = CONTROL_CHARACTER.exec(key);
  if (match) {
    const code = match[0].charCodeAt(0).toString(16).padStart(4, '0');
    throw new S3Error(
      400,
      'InvalidArgument',
      `Expected an object key without control characters, got U+${code.toUpperCase()} at character ${match.index}`,
    );
  }
}
