import { explainInvalidBucketName } from '../aws/s3/names.js';
import type { Bucket, CorsRule } from './model.js';
import { checkOnce, parseGoInt, readEntries, readStringList, splitOnce, type Walk } from './nodes.js';

// An `s3:` bucket as libaws ensures it (lib/infra.go: infraParseValidateS3, InfraEnsureS3;
// lib/s3.go: S3EnsureInput, S3Ensure, s3Cors).

const S3_ATTRS = 'acl=public|private, cors=true|false, corsorigin=http(s)://..., ttldays=N, versioning=true|false, metrics=true|false, allow_put=SERVICE';

/** The CORS rules libaws writes for these origins (lib/s3.go: s3Cors; no origins = any origin). */
export function s3Cors(allowedOrigins: readonly string[]): CorsRule[] {
  return [
    {
      AllowedHeaders: ['Authorization', 'Range'],
      AllowedMethods: ['GET', 'PUT', 'POST', 'HEAD'],
      AllowedOrigins: allowedOrigins.length === 0 ? ['*'] : [...allowedOrigins],
      ExposeHeaders: ['Content-Length', 'Content-Type', 'ETag'],
      MaxAgeSeconds: 3000,
    },
  ];
}

/** Reads one bucket of the `s3` section, or undefined after recording its problems. */
export function readBucket(walk: Walk, name: string, line: number, node: unknown): Bucket | undefined {
  const before = walk.problems.list.length;
  const what = `s3 bucket ${name}`;
  const entries = readEntries(walk, node, line, what, 'a mapping (attr)');
  const bucket: Bucket = {
    name,
    line,
    acl: 'private',
    corsOrigins: [],
    corsRules: [],
    ttlDays: 0,
    versioning: false,
    metrics: false,
    encryption: true,
    allowPut: [],
  };
  const seen = new Map<string, number>();
  for (const entry of entries ?? []) {
    if (entry.key !== 'attr') {
      walk.problems.add(entry.line, `unknown s3 bucket key "${entry.key}" (libaws accepts attr)`);
      continue;
    }
    for (const attr of readStringList(walk, entry.value, entry.line, `${what}: attr`) ?? []) {
      applyAttr(walk, bucket, attr.value, attr.line, seen);
    }
  }
  const invalidName = explainInvalidBucketName(name);
  if (invalidName) walk.problems.add(line, `${what}: a bucket name must ${invalidName} (S3 bucket naming rules)`);
  if (bucket.cors === false && bucket.corsOrigins.length > 0) {
    walk.problems.add(line, `${what}: cors=false and corsorigin= contradict each other (lib/s3.go: S3EnsureInput refuses both)`);
  }
  if (bucket.corsOrigins.length > 0) bucket.cors = true;
  bucket.corsRules = bucket.cors === true ? s3Cors(bucket.corsOrigins) : [];
  return walk.problems.list.length > before ? undefined : bucket;
}

function applyAttr(walk: Walk, bucket: Bucket, text: string, line: number, seen: Map<string, number>): void {
  // lib/s3.go: S3EnsureInput lower-cases the whole line, values included.
  const lowered = text.toLowerCase();
  const split = splitOnce(lowered, '=');
  const fail = (message: string) => walk.problems.add(line, `s3 bucket ${bucket.name}: ${message}`);
  if (!split) return fail(`attr "${text}" is not NAME=VALUE (libaws accepts ${S3_ATTRS})`);
  const [name, value] = split;
  const flag = () => {
    if (value !== 'true' && value !== 'false') fail(`${name} must be true or false, got "${value}" (lib/s3.go: S3EnsureInput)`);
    return value === 'true';
  };
  if (name !== 'corsorigin' && name !== 'allow_put') checkOnce(walk, seen, name, line, `s3 bucket ${bucket.name}: attr`);
  switch (name) {
    case 'acl':
      if (value === 'public' || value === 'private') bucket.acl = value;
      else fail(`acl must be public or private, got "${value}"`);
      return;
    case 'cors':
      bucket.cors = flag();
      return;
    case 'corsorigin':
      if (value.startsWith('http://') || value.startsWith('https://')) bucket.corsOrigins.push(value);
      else fail(`corsorigin must begin with http:// or https://, got "${value}" (lib/s3.go: S3EnsureInput)`);
      return;
    case 'ttldays': {
      const days = parseGoInt(value);
      if (days === undefined) fail(`ttldays must be a whole number of days, got "${value}" (libaws would crash: lib/s3.go: S3EnsureInput uses Atoi)`);
      else if (days < 0) fail(`ttldays must be 0 (no expiry) or a positive number of days, got ${days} (S3 lifecycle Expiration.Days)`);
      else bucket.ttlDays = days;
      return;
    }
    case 'versioning':
      bucket.versioning = flag();
      return;
    case 'metrics':
      bucket.metrics = flag();
      return;
    case 'allow_put':
      bucket.allowPut.push(value);
      return;
    default:
      fail(`unknown s3 attr "${name}" (libaws accepts ${S3_ATTRS})`);
  }
}
