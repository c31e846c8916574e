import { z } from 'zod';

/** A tag an object must carry (key and value) for a rule to apply to it. */
export const LifecycleTag = z.object({ key: z.string(), value: z.string() });
/** A tag an object must carry for a rule to apply to it. */
export type LifecycleTag = z.infer<typeof LifecycleTag>;

/**
 * Which objects a rule applies to. `form` remembers how the rule named them, so that
 * GetBucketLifecycleConfiguration answers what was put: the rule's own (V1) `Prefix`, one
 * predicate (or none) directly in `Filter`, or `Filter.And`.
 */
export const LifecycleScope = z.object({
  form: z.enum(['prefix', 'filter', 'and']),
  prefix: z.string().optional(),
  tags: z.array(LifecycleTag),
  objectSizeGreaterThan: z.number().int().nonnegative().optional(),
  objectSizeLessThan: z.number().int().positive().optional(),
});
/** Which objects a rule applies to. */
export type LifecycleScope = z.infer<typeof LifecycleScope>;

/** One lifecycle rule as stored (always with an ID: S3 makes one up when none is given). */
export const LifecycleRule = z.object({
  id: z.string(),
  enabled: z.boolean(),
  scope: LifecycleScope,
  expiration: z
    .object({
      days: z.number().int().positive().optional(),
      /** Midnight UTC, epoch milliseconds. */
      dateMs: z.number().int().optional(),
      expiredObjectDeleteMarker: z.boolean().optional(),
    })
    .optional(),
  noncurrentVersionExpiration: z
    .object({ noncurrentDays: z.number().int().positive(), newerNoncurrentVersions: z.number().int().positive().optional() })
    .optional(),
  abortIncompleteMultipartUpload: z.object({ daysAfterInitiation: z.number().int().positive() }).optional(),
});
/** One lifecycle rule as stored. */
export type LifecycleRule = z.infer<typeof LifecycleRule>;

/** The values of `x-amz-transition-default-minimum-object-size` (the first is S3's default). */
export const TRANSITION_MINIMUM_SIZES = ['all_storage_classes_128K', 'varies_by_storage_class'] as const;

/** A bucket's lifecycle configuration as stored. */
export const LifecycleConfiguration = z.object({
  rules: z.array(LifecycleRule).min(1).max(1000),
  transitionDefaultMinimumObjectSize: z.enum(TRANSITION_MINIMUM_SIZES),
});
/** A bucket's lifecycle configuration as stored. */
export type LifecycleConfiguration = z.infer<typeof LifecycleConfiguration>;

/** Parses a bucket's stored lifecycle configuration, or throws saying what is wrong with it. */
export function parseStoredLifecycle(bucket: string, text: string): LifecycleConfiguration {
  const parsed = LifecycleConfiguration.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`Expected the stored lifecycle configuration of bucket ${bucket} to be valid: ${parsed.error.message}`);
  return parsed.data;
}
