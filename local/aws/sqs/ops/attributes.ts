import { z } from 'zod';
import { sqsError } from '../errors.js';
import { parseParams, RequiredString, StringListInput, StringMapInput } from '../params.js';
import { COMPUTED_ATTRIBUTES } from '../queue-attributes.js';
import type { Queue } from '../store/index.js';
import { arnOf, requireQueue, type Operation, type SqsContext } from '../context.js';

const GetAttributesInput = z.object({ QueueUrl: RequiredString, AttributeNames: StringListInput.optional() });
const TagInput = z.object({ QueueUrl: RequiredString, Tags: StringMapInput });
const UntagInput = z.object({ QueueUrl: RequiredString, TagKeys: StringListInput });
const QueueUrlInput = z.object({ QueueUrl: RequiredString });

const KNOWN = new Set<string>([
  ...COMPUTED_ATTRIBUTES,
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'Policy',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
]);

/**
 * GetQueueAttributes: the named attributes (or All); none named, none returned. The message
 * counts are computed now: available, in flight (received, not yet visible again) and delayed
 * (API_GetQueueAttributes); timestamps are in seconds.
 */
export const getQueueAttributes: Operation = (ctx, params) => {
  const input = parseParams(GetAttributesInput, params);
  const queue = requireQueue(ctx, input.QueueUrl);
  const names = input.AttributeNames ?? [];
  for (const name of names) {
    if (name !== 'All' && !KNOWN.has(name)) throw sqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
  }
  if (names.length === 0) return {};
  const all = allAttributes(ctx, queue);
  const wanted = names.includes('All') ? Object.keys(all) : names;
  const attributes: Record<string, string> = {};
  for (const name of wanted) if (all[name] !== undefined) attributes[name] = all[name];
  return Object.keys(attributes).length === 0 ? {} : { Attributes: attributes };
};

function allAttributes(ctx: SqsContext, queue: Queue): Record<string, string> {
  const now = ctx.now();
  const cutoff = now - queue.settings.messageRetentionPeriod * 1000;
  const counts = ctx.store.sql.counts.get({ queue: queue.id, now, cutoff }) ?? { visible: 0, inflight: 0, delayed: 0 };
  return {
    QueueArn: arnOf(ctx, queue),
    ApproximateNumberOfMessages: String(counts.visible),
    ApproximateNumberOfMessagesNotVisible: String(counts.inflight),
    ApproximateNumberOfMessagesDelayed: String(counts.delayed),
    CreatedTimestamp: String(Math.floor(queue.createdMs / 1000)),
    LastModifiedTimestamp: String(Math.floor(queue.modifiedMs / 1000)),
    ...queue.attributes,
  };
}

/** ListQueueTags: the queue's tags. */
export const listQueueTags: Operation = (ctx, params) => {
  const queue = requireQueue(ctx, parseParams(QueueUrlInput, params).QueueUrl);
  return Object.keys(queue.tags).length === 0 ? {} : { Tags: { ...queue.tags } };
};

/** TagQueue: adds or replaces tags. */
export const tagQueue: Operation = (ctx, params) => {
  const input = parseParams(TagInput, params);
  const queue = requireQueue(ctx, input.QueueUrl);
  ctx.store.setTags(queue, { ...queue.tags, ...input.Tags });
  return {};
};

/** UntagQueue: removes tags by key. */
export const untagQueue: Operation = (ctx, params) => {
  const input = parseParams(UntagInput, params);
  const queue = requireQueue(ctx, input.QueueUrl);
  const tags = { ...queue.tags };
  for (const key of input.TagKeys) delete tags[key];
  ctx.store.setTags(queue, tags);
  return {};
};
