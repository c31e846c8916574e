import { z } from 'zod';

// The PutBucketLifecycleConfiguration body as fast-xml-parser reads it (see ../xml.ts): every
// value a string, `Rule`, `Tag`, `Transition` and `NoncurrentVersionTransition` always arrays.
// Elements are strict (an unknown or misspelled element is MalformedXML, as S3's schema check
// makes it); the whitespace between elements of an indented document is dropped first.
// Shapes: botocore's S3 model (LifecycleRule, LifecycleRuleFilter, LifecycleRuleAndOperator,
// LifecycleExpiration, AbortIncompleteMultipartUpload), as shipped in /usr/bin/aws.

function isBlank(value: unknown): boolean {
  return typeof value === 'string' && value.trim() === '';
}

function dropBlankText(value: unknown): unknown {
  if (isBlank(value)) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !('#text' in value)) return value;
  const { '#text': text, ...rest } = value as Record<string, unknown>;
  return isBlank(text) ? rest : value;
}

/** An XML element with child elements only. */
function element<T extends z.ZodRawShape>(shape: T) {
  return z.preprocess(dropBlankText, z.strictObject(shape));
}

const Text = z.string({ error: 'expected text, not child elements' });

/** `<Tag><Key/><Value/></Tag>`. */
export const XmlTag = element({ Key: Text, Value: Text });

const sizeBounds = { ObjectSizeGreaterThan: Text.optional(), ObjectSizeLessThan: Text.optional() };

/** `Filter.And`: every predicate must hold. */
export const XmlAnd = element({ Prefix: Text.optional(), Tag: z.array(XmlTag).optional(), ...sizeBounds });
/** `<And>` as read. */
export type XmlAnd = z.infer<typeof XmlAnd>;

/** `Filter`: at most one predicate (or `And`). */
export const XmlFilter = element({ Prefix: Text.optional(), Tag: z.array(XmlTag).optional(), And: XmlAnd.optional(), ...sizeBounds });
/** `<Filter>` as read. */
export type XmlFilter = z.infer<typeof XmlFilter>;

/** A `Rule`. Transitions are only recognized, to be refused. */
export const XmlRule = element({
  ID: Text.optional(),
  Prefix: Text.optional(),
  Filter: XmlFilter.optional(),
  Status: Text,
  Expiration: element({ Days: Text.optional(), Date: Text.optional(), ExpiredObjectDeleteMarker: Text.optional() }).optional(),
  Transition: z.array(z.unknown()).optional(),
  NoncurrentVersionTransition: z.array(z.unknown()).optional(),
  NoncurrentVersionExpiration: element({ NoncurrentDays: Text.optional(), NewerNoncurrentVersions: Text.optional() }).optional(),
  AbortIncompleteMultipartUpload: element({ DaysAfterInitiation: Text.optional() }).optional(),
});
/** `<Rule>` as read. */
export type XmlRule = z.infer<typeof XmlRule>;

/** The request body: `<LifecycleConfiguration>` with its rules. */
export const PutLifecycleRequest = z.object({
  LifecycleConfiguration: element({ Rule: z.array(XmlRule).optional() }),
});
