import type { OutgoingHttpHeaders } from 'node:http';
import { z } from 'zod';

/** The methods a CORS rule may allow (S3 refuses any other). */
export const CORS_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'] as const;

/** One stored CORS rule (PutBucketCors' CORSRule). */
export const CorsRule = z.object({
  id: z.string().optional(),
  allowedOrigins: z.array(z.string()).min(1),
  allowedMethods: z.array(z.enum(CORS_METHODS)).min(1),
  allowedHeaders: z.array(z.string()),
  exposeHeaders: z.array(z.string()),
  maxAgeSeconds: z.number().int().nonnegative().optional(),
});
/** One CORS rule as stored and matched. */
export type CorsRule = z.infer<typeof CorsRule>;

/** A bucket's CORS configuration as stored. */
export const CorsRules = z.array(CorsRule).min(1).max(100);

/** Whether a value matches a CORS pattern holding at most one `*` wildcard (case-sensitive, as S3). */
export function matchesWildcard(pattern: string, value: string): boolean {
  const star = pattern.indexOf('*');
  if (star === -1) return pattern === value;
  const head = pattern.slice(0, star);
  const tail = pattern.slice(star + 1);
  return value.length >= head.length + tail.length && value.startsWith(head) && value.endsWith(tail);
}

/** The first rule allowing an origin and method (and, for preflights, every requested header). */
export function findCorsRule(
  rules: readonly CorsRule[],
  origin: string,
  method: string,
  requestHeaders: readonly string[] = [],
): CorsRule | undefined {
  return rules.find(
    (rule) =>
      rule.allowedOrigins.some((pattern) => matchesWildcard(pattern, origin)) &&
      (rule.allowedMethods as readonly string[]).includes(method) &&
      requestHeaders.every((header) =>
        rule.allowedHeaders.some((pattern) => matchesWildcard(pattern.toLowerCase(), header.toLowerCase())),
      ),
  );
}

const VARY = 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method';

/** The Access-Control-* headers S3 adds to an actual (non-preflight) response for a matching rule. */
export function corsResponseHeaders(rule: CorsRule, origin: string): OutgoingHttpHeaders {
  const anyOrigin = rule.allowedOrigins.includes('*');
  const headers: OutgoingHttpHeaders = {
    'access-control-allow-origin': anyOrigin ? '*' : origin,
    'access-control-allow-methods': rule.allowedMethods.join(', '),
    vary: VARY,
  };
  if (!anyOrigin) headers['access-control-allow-credentials'] = 'true';
  if (rule.exposeHeaders.length > 0) headers['access-control-expose-headers'] = rule.exposeHeaders.join(', ');
  if (rule.maxAgeSeconds !== undefined) headers['access-control-max-age'] = String(rule.maxAgeSeconds);
  return headers;
}

/** The headers of a successful preflight answer. */
export function corsPreflightHeaders(rule: CorsRule, origin: string, requestHeaders: readonly string[]): OutgoingHttpHeaders {
  const headers = corsResponseHeaders(rule, origin);
  if (requestHeaders.length > 0) headers['access-control-allow-headers'] = requestHeaders.join(', ');
  return headers;
}

/** Splits an Access-Control-Request-Headers value into lowercase names. */
export function readRequestedHeaders(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
}
