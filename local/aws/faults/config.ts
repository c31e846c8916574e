import { z } from 'zod';
import { isServiceName, OPERATIONS } from './operations.js';

/*
 * The fault configuration: which requests of the local endpoint fail, and how. Rules name
 * requests as `service:Operation` (`s3:PutObject`), `service:*` or `*`; see README.md.
 */

/** Longest latency a rule may add to one request. */
export const MAX_LATENCY_MS = 60_000;
/** Most rules in one configuration. */
export const MAX_RULES = 100;

const Rate = z.number().min(0).max(1);
const Millis = z.number().min(0).max(MAX_LATENCY_MS);

/** `*`, `service:*` or `service:Operation`, checked against the services and their operations. */
export const MatchPattern = z.string().superRefine((pattern, ctx) => {
  const problem = describeBadPattern(pattern);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * Lognormal latency named by its median and 99th percentile (how latencies are published and
 * measured), optionally clamped to [min, max]: `{ "p50": 40, "p99": 200, "min": 10 }`.
 */
export const LognormalLatency = z
  .object({
    p50: Millis.refine((p50) => p50 > 0, { message: 'Expected latencyMs.p50 above 0' }),
    p99: Millis,
    min: Millis.optional(),
    max: Millis.optional(),
  })
  .strict()
  .refine((spec) => spec.p50 <= spec.p99, { message: 'Expected latencyMs.p50 to be at most latencyMs.p99' })
  .refine((spec) => (spec.min ?? 0) <= (spec.max ?? MAX_LATENCY_MS), { message: 'Expected latencyMs.min to be at most latencyMs.max' });
export type LognormalLatency = z.infer<typeof LognormalLatency>;

/**
 * Added latency: a fixed number of milliseconds, uniform between min and max, exponential with
 * a mean (capped at max), or lognormal with a median and a 99th percentile.
 */
export const LatencySpec = z.union([
  Millis,
  z
    .object({ min: Millis, max: Millis })
    .strict()
    .refine((spec) => spec.min <= spec.max, { message: 'Expected latencyMs.min to be at most latencyMs.max' }),
  z.object({ mean: Millis.refine((mean) => mean > 0, { message: 'Expected latencyMs.mean above 0' }), max: Millis.optional() }).strict(),
  LognormalLatency,
]);
export type LatencySpec = z.infer<typeof LatencySpec>;

/** One rule: the requests it matches and what happens to them. */
export const FaultRule = z
  .object({
    match: z.union([MatchPattern, z.array(MatchPattern).min(1)]),
    /** Share of matched requests answered with the service's 5xx (S3 500 InternalError, DynamoDB 500 InternalServerError, Lambda 500 ServiceException). */
    errorRate: Rate.optional(),
    /** Share answered with the service's throttling error (S3 503 SlowDown, DynamoDB 400 ProvisionedThroughputExceededException or ThrottlingException, Lambda 429 TooManyRequestsException). */
    throttleRate: Rate.optional(),
    /** Share whose connection is reset before the service sees the request. */
    resetBeforeRate: Rate.optional(),
    /** Share served in full whose connection is then reset instead of the answer being sent. */
    resetAfterRate: Rate.optional(),
    latencyMs: LatencySpec.optional(),
    /** Writes fail as on a full disk (S3: ENOSPC in the body store, 500 InternalError; DynamoDB: 500 InternalServerError). */
    diskFull: z.boolean().optional(),
  })
  .strict()
  .refine((rule) => sumOfRates(rule) <= 1 + 1e-9, {
    message: 'Expected errorRate + throttleRate + resetBeforeRate + resetAfterRate to be at most 1',
  });
export type FaultRule = z.infer<typeof FaultRule>;

/** The whole configuration: an optional seed (same seed and request order, same faults) and the rules, applied in order. */
export const FaultConfig = z
  .object({
    seed: z.number().int().min(0).max(0xffffffff).optional(),
    rules: z.array(FaultRule).max(MAX_RULES),
  })
  .strict();
export type FaultConfig = z.infer<typeof FaultConfig>;

/** A configuration that injects nothing. */
export const NO_FAULTS: FaultConfig = { rules: [] };

/** A configuration that cannot be used, with what was expected and what came. */
export class FaultConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FaultConfigError';
  }
}

/** Checks a parsed value (from JSON) as a fault configuration; `source` names it in the error. */
export function parseFaultConfig(value: unknown, source: string): FaultConfig {
  const parsed = FaultConfig.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(top)'}: ${issue.message}`);
  throw new FaultConfigError(`Expected ${source} to be a fault configuration ({"seed"?, "rules": [...]}, see local/aws/faults/README.md): ${issues.join('; ')}`);
}

/** Parses JSON text as a fault configuration. */
export function parseFaultConfigText(text: string, source: string): FaultConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new FaultConfigError(`Expected ${source} to be JSON: ${(error as Error).message}`, { cause: error });
  }
  return parseFaultConfig(value, source);
}

/** The patterns of a rule as a list. */
export function patternsOf(rule: FaultRule): readonly string[] {
  return typeof rule.match === 'string' ? [rule.match] : rule.match;
}

function sumOfRates(rule: { errorRate?: number; throttleRate?: number; resetBeforeRate?: number; resetAfterRate?: number }): number {
  return (rule.errorRate ?? 0) + (rule.throttleRate ?? 0) + (rule.resetBeforeRate ?? 0) + (rule.resetAfterRate ?? 0);
}

function describeBadPattern(pattern: string): string | undefined {
  if (pattern === '*') return undefined;
  const colon = pattern.indexOf(':');
  const service = colon === -1 ? pattern : pattern.slice(0, colon);
  const services = Object.keys(OPERATIONS).join(', ');
  if (colon === -1 || !isServiceName(service)) {
    return `Expected \`*\` or \`service:Operation\` with a service of ${services} (e.g. s3:PutObject, dynamodb:*), got \`${pattern.slice(0, 80)}\``;
  }
  const operation = pattern.slice(colon + 1);
  if (operation === '*' || OPERATIONS[service].includes(operation)) return undefined;
  return `Expected an operation of ${service} (one of ${OPERATIONS[service].join(', ')}) or *, got \`${operation.slice(0, 80)}\``;
}
