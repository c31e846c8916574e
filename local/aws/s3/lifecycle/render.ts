import { buildXml, type XmlNode } from '../xml.js';
import type { LifecycleConfiguration, LifecycleRule, LifecycleScope } from './config.js';

/** The GetBucketLifecycleConfiguration document of a configuration: each rule as it was put (an ID made up where none was given). */
export function renderLifecycleConfiguration(config: LifecycleConfiguration): string {
  return buildXml('LifecycleConfiguration', { Rule: config.rules.map(renderRule) });
}

function renderRule(rule: LifecycleRule): XmlNode {
  const { expiration, noncurrentVersionExpiration: noncurrent, abortIncompleteMultipartUpload: abort } = rule;
  return {
    ID: rule.id,
    ...(rule.scope.form === 'prefix' ? { Prefix: rule.scope.prefix ?? '' } : { Filter: renderFilter(rule.scope) }),
    Status: rule.enabled ? 'Enabled' : 'Disabled',
    ...(expiration
      ? {
          Expiration: {
            ...(expiration.days !== undefined ? { Days: expiration.days } : {}),
            ...(expiration.dateMs !== undefined ? { Date: new Date(expiration.dateMs).toISOString() } : {}),
            ...(expiration.expiredObjectDeleteMarker !== undefined ? { ExpiredObjectDeleteMarker: expiration.expiredObjectDeleteMarker } : {}),
          },
        }
      : {}),
    ...(noncurrent
      ? {
          NoncurrentVersionExpiration: {
            NoncurrentDays: noncurrent.noncurrentDays,
            ...(noncurrent.newerNoncurrentVersions !== undefined ? { NewerNoncurrentVersions: noncurrent.newerNoncurrentVersions } : {}),
          },
        }
      : {}),
    ...(abort ? { AbortIncompleteMultipartUpload: { DaysAfterInitiation: abort.daysAfterInitiation } } : {}),
  };
}

function renderFilter(scope: LifecycleScope): XmlNode {
  const predicates: XmlNode = {
    ...(scope.prefix !== undefined ? { Prefix: scope.prefix } : {}),
    ...(scope.tags.length > 0 ? { Tag: scope.tags.map((tag) => ({ Key: tag.key, Value: tag.value })) } : {}),
    ...(scope.objectSizeGreaterThan !== undefined ? { ObjectSizeGreaterThan: scope.objectSizeGreaterThan } : {}),
    ...(scope.objectSizeLessThan !== undefined ? { ObjectSizeLessThan: scope.objectSizeLessThan } : {}),
  };
  return scope.form === 'and' ? { And: predicates } : predicates;
}
