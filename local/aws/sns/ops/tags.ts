import type { Operation, SnsContext } from '../context.js';
import { invalidParameter, snsError } from '../errors.js';
import { topicNameFromArn } from '../names.js';
import { parseParams, type Tag } from '../params.js';
import type { Topic, TopicTag } from '../store/index.js';

// Topic tags (API_TagResource, API_UntagResource, API_ListTagsForResource; "Amazon SNS tags"
// sns-tags.html: at most 50 a topic, keys of 1 to 128 characters, values of up to 256, the `aws:`
// prefix reserved). Duplicated keys in one request are "Invalid parameter: Duplicated keys are not
// allowed." (recorded against AWS: localstack test_sns.snapshot.json, test_tags).

const MAX_TAGS = 50;
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Checks the tags of a request (CreateTopic, TagResource). */
export function readTags(tags: readonly Tag[]): TopicTag[] {
  const keys = new Set<string>();
  for (const { Key, Value } of tags) {
    if (keys.has(Key)) throw invalidParameter('Duplicated keys are not allowed.');
    keys.add(Key);
    if (Key.length < 1 || Key.length > 128 || !TAG_CHARACTERS.test(Key)) throw invalidParameter(`Tags Reason: Invalid tag key: ${Key}`);
    if (Key.toLowerCase().startsWith('aws:')) throw invalidParameter(`Tags Reason: Tag keys may not start with the reserved prefix aws: (${Key})`);
    if (Value.length > 256 || !TAG_CHARACTERS.test(Value)) throw invalidParameter(`Tags Reason: Invalid tag value for key ${Key}`);
  }
  if (tags.length > MAX_TAGS) throw tagLimit();
  return tags.map(({ Key, Value }) => ({ Key, Value }));
}

/** Whether a CreateTopic of an existing topic names tags the topic does not have (AWS then refuses it). */
export function tagsDiffer(existing: readonly TopicTag[], requested: readonly TopicTag[]): boolean {
  return requested.some((tag) => existing.find((have) => have.Key === tag.Key)?.Value !== tag.Value);
}

/** TagResource: adds tags, replacing the values of keys the topic has. */
export const tagResource: Operation = (ctx, params) => {
  const request = parseParams('TagResource', params);
  const topic = requireTaggedTopic(ctx, request.ResourceArn);
  const tags = readTags(request.Tags);
  const merged = [...topic.tags];
  for (const tag of tags) {
    const index = merged.findIndex((have) => have.Key === tag.Key);
    if (index === -1) merged.push(tag);
    else merged[index] = tag;
  }
  if (merged.length > MAX_TAGS) throw tagLimit();
  ctx.store.setTags(topic, merged);
  return {};
};

/** UntagResource: removes tags by key (keys it does not have are no error). */
export const untagResource: Operation = (ctx, params) => {
  const request = parseParams('UntagResource', params);
  const topic = requireTaggedTopic(ctx, request.ResourceArn);
  const removed = new Set(request.TagKeys);
  ctx.store.setTags(
    topic,
    topic.tags.filter((tag) => !removed.has(tag.Key)),
  );
  return {};
};

/** ListTagsForResource: the topic's tags in the order they were added. */
export const listTagsForResource: Operation = (ctx, params) => {
  const request = parseParams('ListTagsForResource', params);
  return { Tags: requireTaggedTopic(ctx, request.ResourceArn).tags };
};

/** The topic a ResourceArn names; the tag operations answer a missing one with ResourceNotFound (the model's ResourceNotFoundException, 404). */
function requireTaggedTopic(ctx: SnsContext, arn: string): Topic {
  const topic = ctx.store.findTopic(topicNameFromArn(arn, ctx.region, 'ResourceArn'));
  if (!topic) throw snsError('ResourceNotFound', 'Resource does not exist');
  return topic;
}

function tagLimit() {
  return snsError('TagLimitExceeded', `Could not complete request: tag quota of ${MAX_TAGS} per resource exceeded`);
}
