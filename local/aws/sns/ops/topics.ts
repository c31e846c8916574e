import { requireTopic, type Operation } from '../context.js';
import { invalidParameter } from '../errors.js';
import { checkTopicName, topicArn, topicNameFromArn } from '../names.js';
import { parseParams } from '../params.js';
import { checkTopicAttribute, differsFromExisting, readCreateAttributes, renderTopicAttributes } from '../topic-attributes.js';
import { pageOf } from './pages.js';
import { readTags, tagsDiffer } from './tags.js';

/** ListTopics answers up to 100 topics a page (API_ListTopics). */
const TOPICS_PER_PAGE = 100;
/** Attributes SetTopicAttributes resets to their default when set to an empty value. */
const RESET_BY_EMPTY = new Set(['Policy', 'DeliveryPolicy', 'DataProtectionPolicy', 'ArchivePolicy']);

/**
 * CreateTopic: idempotent — an existing topic's ARN is answered when every attribute and tag given
 * has its existing value; otherwise "Invalid parameter: Attributes Reason: Topic already exists with
 * different attributes" / "Invalid parameter: Tags Reason: Topic already exists with different tags"
 * (recorded against AWS: localstack test_sns.snapshot.json, test_create_topic_different_attrs,
 * test_create_duplicate_topic_with_more_tags).
 */
export const createTopic: Operation = (ctx, params) => {
  const request = parseParams('CreateTopic', params);
  const { attributes, fifo } = readCreateAttributes(request.Attributes ?? {});
  checkTopicName(request.Name, fifo);
  if (request.DataProtectionPolicy !== undefined) attributes.DataProtectionPolicy = checkTopicAttribute('DataProtectionPolicy', request.DataProtectionPolicy, fifo, 'create');
  const tags = readTags(request.Tags ?? []);
  const existing = ctx.store.findTopic(request.Name);
  if (existing) {
    if (differsFromExisting(existing.attributes, attributes)) throw invalidParameter('Attributes Reason: Topic already exists with different attributes');
    if (tagsDiffer(existing.tags, tags)) throw invalidParameter('Tags Reason: Topic already exists with different tags');
  } else {
    ctx.store.createTopic(request.Name, attributes, tags, ctx.now());
  }
  return { TopicArn: topicArn(ctx.region, request.Name) };
};

/** ListTopics: the topics of the account and region by name, 100 a page. */
export const listTopics: Operation = (ctx, params) => {
  const request = parseParams('ListTopics', params);
  const arns = ctx.store.listTopics().map((topic) => topicArn(ctx.region, topic.name));
  const page = pageOf(arns, request.NextToken, TOPICS_PER_PAGE);
  return { Topics: page.items.map((arn) => ({ TopicArn: arn })), ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
};

/** GetTopicAttributes. */
export const getTopicAttributes: Operation = (ctx, params) => {
  const request = parseParams('GetTopicAttributes', params);
  const topic = requireTopic(ctx, request.TopicArn);
  const counts = { confirmed: 0, pending: 0, deleted: 0 };
  for (const subscription of topic.subscriptions.values()) counts[subscription.state]++;
  return { Attributes: renderTopicAttributes(topicArn(ctx.region, topic.name), topic.attributes, counts) };
};

/** SetTopicAttributes: one attribute; FifoTopic cannot change ("Invalid parameter: AttributeName", recorded against AWS). */
export const setTopicAttributes: Operation = (ctx, params) => {
  const request = parseParams('SetTopicAttributes', params);
  const topic = requireTopic(ctx, request.TopicArn);
  const value = request.AttributeValue ?? '';
  const attributes = { ...topic.attributes };
  if (value === '' && RESET_BY_EMPTY.has(request.AttributeName)) delete attributes[request.AttributeName];
  else attributes[request.AttributeName] = checkTopicAttribute(request.AttributeName, value, topic.fifo, 'set');
  ctx.store.setTopicAttributes(topic, attributes);
  return {};
};

/** DeleteTopic: deletes the topic and its subscriptions; a topic that does not exist is no error (recorded against AWS: test_delete_non_existent_topic). */
export const deleteTopic: Operation = (ctx, params) => {
  const request = parseParams('DeleteTopic', params);
  const topic = ctx.store.findTopic(topicNameFromArn(request.TopicArn, ctx.region));
  if (topic) ctx.store.deleteTopic(topic);
  return {};
};
