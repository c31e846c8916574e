import { randomUUID } from 'node:crypto';
import { malformedXml, S3Error } from '../errors.js';
import { parseXmlBody } from '../xml.js';
import type { LifecycleConfiguration, LifecycleRule, LifecycleScope, LifecycleTag } from './config.js';
import { readExpiration, readInteger, readPositive } from './read-values.js';
import { PutLifecycleRequest, type XmlAnd, type XmlFilter, type XmlRule } from './xml-schema.js';

// What S3 refuses in a lifecycle configuration, and with which error, follows botocore's S3
// model (shapes and the documented limits: 1,000 rules, IDs of at most 255 characters) and the
// answers S3 gives, as recorded by ceph/s3-tests (s3tests_boto3/functional/test_s3.py:
// test_lifecycle_id_too_long, _same_id, _invalid_status, _expiration_days0) and quoted in
// user reports (e.g. "AbortIncompleteMultipartUpload cannot be specified with Tags.
// (Service: S3, Status Code: 400, Error Code: InvalidRequest)").

const MAX_RULES = 1000;
const MAX_ID_LENGTH = 255;

type RuleDraft = Omit<LifecycleRule, 'id'> & { id?: string };

function invalidRequest(message: string): S3Error {
  return new S3Error(400, 'InvalidRequest', message);
}

function invalidArgument(message: string): S3Error {
  return new S3Error(400, 'InvalidArgument', message);
}

/**
 * Reads and checks a PutBucketLifecycleConfiguration body, refusing what S3 refuses with S3's
 * error, and transitions (which need storage classes this endpoint does not have) with 501.
 */
export function readLifecycleConfiguration(
  body: Buffer,
  transitionDefaultMinimumObjectSize: LifecycleConfiguration['transitionDefaultMinimumObjectSize'],
): LifecycleConfiguration {
  const given = parseXmlBody(body, PutLifecycleRequest).LifecycleConfiguration.Rule ?? [];
  if (given.length === 0) throw invalidRequest('At least one lifecycle rule must be specified.');
  if (given.length > MAX_RULES) throw invalidRequest(`The number of lifecycle rules must not exceed the allowed limit of ${MAX_RULES} rules.`);
  checkIds(given);
  // A configuration is "Lifecycle V2" when its first rule has a Filter: then every rule needs
  // one, and before V2 every rule names its objects by its own Prefix.
  const v2 = given[0]?.Filter !== undefined;
  const drafts = given.map((rule) => readRule(rule, v2));
  if (!v2) checkOverlappingPrefixes(drafts);
  if (given.some((rule) => rule.Transition !== undefined || rule.NoncurrentVersionTransition !== undefined)) {
    throw new S3Error(501, 'NotImplemented', 'Lifecycle transitions (Transition, NoncurrentVersionTransition) are not implemented by the local S3 endpoint: it has one storage class');
  }
  return { rules: drafts.map((draft) => ({ ...draft, id: draft.id ?? createRuleId() })), transitionDefaultMinimumObjectSize };
}

// S3 makes up an ID for a rule given none (ceph's rgw does the same to match S3: ceph/ceph#18534).
function createRuleId(): string {
  return Buffer.from(randomUUID()).toString('base64');
}

function checkIds(rules: readonly XmlRule[]): void {
  const seen = new Set<string>();
  for (const { ID: id } of rules) {
    if (id === undefined || id === '') continue;
    if (id.length > MAX_ID_LENGTH) throw invalidArgument(`ID length should not exceed allowed limit of ${MAX_ID_LENGTH}`);
    if (seen.has(id)) throw invalidArgument('Rule ID must be unique. Found same ID for more than one rule');
    seen.add(id);
  }
}

function readRule(rule: XmlRule, v2: boolean): RuleDraft {
  if (rule.Status !== 'Enabled' && rule.Status !== 'Disabled') {
    throw malformedXml(`expected Status to be Enabled or Disabled, got \`${rule.Status.slice(0, 50)}\``);
  }
  const scope = readScope(rule, v2);
  const actions = [rule.Expiration, rule.Transition, rule.NoncurrentVersionTransition, rule.NoncurrentVersionExpiration, rule.AbortIncompleteMultipartUpload];
  if (actions.every((action) => action === undefined)) throw invalidRequest('At least one action needs to be specified in a rule');
  const expiration = rule.Expiration ? readExpiration(rule.Expiration) : undefined;
  const noncurrent = rule.NoncurrentVersionExpiration;
  const abort = rule.AbortIncompleteMultipartUpload;
  const draft: RuleDraft = {
    ...(rule.ID !== undefined && rule.ID !== '' ? { id: rule.ID } : {}),
    enabled: rule.Status === 'Enabled',
    scope,
    ...(expiration ? { expiration } : {}),
    ...(noncurrent ? { noncurrentVersionExpiration: readNoncurrentExpiration(noncurrent, v2) } : {}),
    ...(abort ? { abortIncompleteMultipartUpload: { daysAfterInitiation: readAbortDays(abort.DaysAfterInitiation) } } : {}),
  };
  checkUnfilteredActions(draft);
  return draft;
}

function readScope(rule: XmlRule, v2: boolean): LifecycleScope {
  if (rule.Prefix === undefined && rule.Filter === undefined) throw malformedXml('expected a Filter (or, before Lifecycle V2, a Prefix) in every Rule');
  if (v2 && rule.Prefix !== undefined) throw invalidRequest('Base level prefix cannot be used in Lifecycle V2, prefixes are only supported in the Filter.');
  if (!v2 && rule.Filter !== undefined) throw invalidRequest('Filter element can only be used in Lifecycle V2.');
  if (rule.Filter) return readFilter(rule.Filter);
  return { form: 'prefix', prefix: rule.Prefix ?? '', tags: [] };
}

function readFilter(filter: XmlFilter): LifecycleScope {
  const { And: and, ...predicates } = filter;
  const given = Object.keys(filter);
  if (given.length > 1) throw malformedXml(`expected at most one of Prefix, Tag, ObjectSizeGreaterThan, ObjectSizeLessThan and And in a Filter, got ${given.join(', ')}`);
  if (predicates.Tag !== undefined && predicates.Tag.length > 1) throw malformedXml('expected one Tag in a Filter (several go in Filter.And)');
  if (and) return { ...readPredicates(and), form: 'and' };
  return { ...readPredicates(predicates), form: 'filter' };
}

function readPredicates(given: XmlAnd): Omit<LifecycleScope, 'form'> {
  const tags: LifecycleTag[] = (given.Tag ?? []).map((tag) => ({ key: tag.Key, value: tag.Value }));
  if (new Set(tags.map((tag) => tag.key)).size !== tags.length) throw invalidRequest('Duplicate Tag Keys are not allowed.');
  const greater = given.ObjectSizeGreaterThan === undefined ? undefined : readInteger(given.ObjectSizeGreaterThan, 'ObjectSizeGreaterThan', Number.MAX_SAFE_INTEGER);
  const less = given.ObjectSizeLessThan === undefined ? undefined : readInteger(given.ObjectSizeLessThan, 'ObjectSizeLessThan', Number.MAX_SAFE_INTEGER);
  if (greater !== undefined && greater < 0) throw invalidRequest("'ObjectSizeGreaterThan' should be a non-negative value.");
  if (less !== undefined && less < 1) throw invalidRequest("'ObjectSizeLessThan' should be a positive value.");
  if (greater !== undefined && less !== undefined && less <= greater) {
    throw invalidRequest("'ObjectSizeLessThan' has to be a value greater than 'ObjectSizeGreaterThan'.");
  }
  return {
    ...(given.Prefix !== undefined ? { prefix: given.Prefix } : {}),
    tags,
    ...(greater !== undefined ? { objectSizeGreaterThan: greater } : {}),
    ...(less !== undefined ? { objectSizeLessThan: less } : {}),
  };
}

function readNoncurrentExpiration(given: NonNullable<XmlRule['NoncurrentVersionExpiration']>, v2: boolean): NonNullable<LifecycleRule['noncurrentVersionExpiration']> {
  if (given.NoncurrentDays === undefined) throw malformedXml('expected NoncurrentDays in NoncurrentVersionExpiration');
  const noncurrentDays = readPositive(given.NoncurrentDays, 'NoncurrentDays', "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer");
  if (given.NewerNoncurrentVersions === undefined) return { noncurrentDays };
  if (!v2) throw invalidRequest('NewerNoncurrentVersions element can only be used in Lifecycle V2.');
  const newerNoncurrentVersions = readPositive(given.NewerNoncurrentVersions, 'NewerNoncurrentVersions', "'NewerNoncurrentVersions' must be a positive integer");
  return { noncurrentDays, newerNoncurrentVersions };
}

function readAbortDays(text: string | undefined): number {
  if (text === undefined) throw malformedXml('expected DaysAfterInitiation in AbortIncompleteMultipartUpload');
  return readPositive(text, 'DaysAfterInitiation', "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer");
}

// Multipart uploads and delete markers have no tags and no size, so S3 refuses those filters on them.
function checkUnfilteredActions(rule: RuleDraft): void {
  const usesTags = rule.scope.tags.length > 0;
  const usesSize = rule.scope.objectSizeGreaterThan !== undefined || rule.scope.objectSizeLessThan !== undefined;
  const actions = [
    ['AbortIncompleteMultipartUpload', rule.abortIncompleteMultipartUpload !== undefined],
    ['ExpiredObjectDeleteMarker', rule.expiration?.expiredObjectDeleteMarker !== undefined],
  ] as const;
  for (const [action, present] of actions) {
    if (present && usesTags) throw invalidRequest(`${action} cannot be specified with Tags.`);
    if (present && usesSize) throw invalidRequest(`${action} cannot be specified with Object Size.`);
  }
}

// Before Lifecycle V2, S3 refuses two rules whose prefixes overlap (one starts with the other)
// when both take the same kind of action.
function checkOverlappingPrefixes(rules: readonly RuleDraft[]): void {
  const kinds = [
    ['Expiration', (rule: RuleDraft) => rule.expiration !== undefined],
    ['NoncurrentVersionExpiration', (rule: RuleDraft) => rule.noncurrentVersionExpiration !== undefined],
    ['AbortIncompleteMultipartUpload', (rule: RuleDraft) => rule.abortIncompleteMultipartUpload !== undefined],
  ] as const;
  for (const [kind, takes] of kinds) {
    const prefixes = rules.filter(takes).map((rule) => rule.scope.prefix ?? '');
    prefixes.forEach((a, i) => {
      const b = prefixes.slice(i + 1).find((other) => other.startsWith(a) || a.startsWith(other));
      if (b !== undefined) throw invalidRequest(`Found overlapping prefixes '${a}' and '${b}' for same action type '${kind}'`);
    });
  }
}

