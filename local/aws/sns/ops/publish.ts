import { randomUUID } from 'node:crypto';
import { renderContextOf, type Operation, type SnsContext } from '../context.js';
import { MANAGED_RETRY, retryDelaySeconds } from '../delivery-policy.js';
import { attemptQueue } from '../delivery/attempt.js';
import type { Delivery } from '../delivery/model.js';
import { abandon } from '../delivery/outbox.js';
import { renderDelivery, type Published } from '../delivery/render.js';
import { invalidParameter, snsError, topicNotFound } from '../errors.js';
import { matchesAttributes, matchesBody } from '../filter/match.js';
import { MAX_MESSAGE_BYTES, prepareMessage, type PreparedMessage } from '../message-input.js';
import { isFifoName, topicNameFromArn } from '../names.js';
import { parseParams } from '../params.js';
import type { Subscription, Topic } from '../store/index.js';
import { filterOf } from '../subscription-attributes.js';

// Publish and PublishBatch fan a message out to every confirmed subscription of the topic whose
// filter policy it passes. Durability: deliveries to SQS are made (committed in the local SQS)
// before the publish is answered; deliveries to Lambda and HTTP/S are written to the outbox in one
// transaction with the FIFO deduplication record, also before the answer, and made after it. So an
// acknowledged publish is in its queues, or in the outbox and made after a restart, even after
// kill -9. The SQS deliveries come first: a publish interrupted between them and the commit was not
// acknowledged, and its retry is deduplicated by the FIFO queues themselves (the same deduplication
// id) or, on standard queues, delivered twice — SNS's own at-least-once.

/** FIFO topics deduplicate for 5 minutes (API_Publish, MessageDeduplicationId). */
const DEDUPLICATION_MS = 5 * 60_000;
const MAX_BATCH_ENTRIES = 10;
const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]+$/;

/** Publish: to a topic by TopicArn or TargetArn (phone numbers and platform endpoints are not served here). */
export const publish: Operation = (ctx, params) => {
  const request = parseParams('Publish', params);
  if (request.PhoneNumber !== undefined) throw invalidParameter('PhoneNumber Reason: the local endpoint does not send SMS');
  if (request.TopicArn !== undefined && request.TargetArn !== undefined) throw invalidParameter('TopicArn or TargetArn Reason: Only one of them may be given');
  const parameter = request.TopicArn !== undefined ? 'TopicArn' : 'TargetArn';
  const arn = request.TopicArn ?? request.TargetArn;
  if (arn === undefined || arn === '') throw invalidParameter('TopicArn or TargetArn Reason: no value for required parameter');
  const name = topicNameFromArn(arn, ctx.region, parameter);
  const topic = ctx.store.findTopic(name);
  const prepared = prepareMessage(request, rulesOf(name, topic));
  if (!topic) throw topicNotFound();
  const [sent] = publishMessages(ctx, topic, [prepared]);
  return { MessageId: sent!.messageId, ...(sent!.sequenceNumber !== undefined ? { SequenceNumber: sent!.sequenceNumber } : {}) };
};

/**
 * PublishBatch: up to 10 entries; a bad batch or entry refuses the whole request, in the codes and
 * words AWS answers (recorded against AWS: localstack test_sns.snapshot.json, test_publish_batch_exceptions,
 * test_publish_batch_invalid_entry_id, test_publish_batch_too_long_message).
 */
export const publishBatch: Operation = (ctx, params) => {
  const request = parseParams('PublishBatch', params);
  const entries = request.PublishBatchRequestEntries;
  const name = topicNameFromArn(request.TopicArn, ctx.region);
  if (entries.length === 0) throw snsError('EmptyBatchRequest', "The batch request doesn't contain any entries.");
  if (entries.length > MAX_BATCH_ENTRIES) throw snsError('TooManyEntriesInBatchRequest', 'The batch request contains more entries than permissible.');
  if (new Set(entries.map((entry) => entry.Id)).size !== entries.length) {
    throw snsError('BatchEntryIdsNotDistinct', 'Two or more batch entries in the request have the same Id.');
  }
  for (const { Id } of entries) {
    if (Id.length > 80) throw snsError('InvalidBatchEntryId', `The Id of a batch entry in the batch request is too long: ${Id}`);
    if (!BATCH_ENTRY_ID.test(Id)) throw snsError('InvalidBatchEntryId', `The Id of a batch entry in the batch request contains an impermissible character: ${Id}`);
  }
  const topic = ctx.store.findTopic(name);
  const prepared = entries.map((entry, index) => prepareMessage(entry, rulesOf(name, topic), index + 1));
  if (prepared.reduce((sum, message) => sum + message.size, 0) > MAX_MESSAGE_BYTES) {
    throw snsError('BatchRequestTooLong', 'The length of all the messages put together is more than the limit.');
  }
  if (!topic) throw topicNotFound();
  const sent = publishMessages(ctx, topic, prepared);
  return {
    Successful: sent.map((result, index) => ({
      Id: entries[index]!.Id,
      MessageId: result.messageId,
      ...(result.sequenceNumber !== undefined ? { SequenceNumber: result.sequenceNumber } : {}),
    })),
    Failed: [],
  };
};

function rulesOf(name: string, topic: Topic | undefined) {
  return { fifo: isFifoName(name), contentBasedDeduplication: topic?.attributes.ContentBasedDeduplication === 'true' };
}

/** Fans checked messages out (see the top of this file) and answers their ids. */
export function publishMessages(ctx: SnsContext, topic: Topic, messages: readonly PreparedMessage[]): Array<{ messageId: string; sequenceNumber: string | undefined }> {
  const now = ctx.now();
  const render = renderContextOf(ctx);
  const later: Array<{ delivery: Delivery; dueMs: number; attempts: number }> = [];
  const dedupRecords = new Map<string, [number, string, string]>();
  const results = messages.map((prepared) => {
    if (topic.fifo && prepared.dedupKey !== undefined) {
      const inBatch = dedupRecords.get(prepared.dedupKey);
      if (inBatch) return { messageId: inBatch[1], sequenceNumber: inBatch[2] };
      const seen = ctx.store.sql.getDedup.get(topic.name, prepared.dedupKey);
      if (seen && seen.expires_ms > now) return { messageId: seen.message_id, sequenceNumber: seen.sequence };
    }
    const published: Published = {
      messageId: randomUUID(),
      timestamp: new Date(now).toISOString(),
      sequenceNumber: topic.fifo ? ctx.nextSequenceNumber() : undefined,
      prepared,
    };
    for (const subscription of topic.subscriptions.values()) {
      if (subscription.state !== 'confirmed' || !passesFilter(subscription, prepared)) continue;
      const delivery = renderDelivery(render, topic, subscription, published);
      if (delivery.kind !== 'sqs') {
        later.push({ delivery, dueMs: now, attempts: 0 });
        continue;
      }
      const outcome = attemptQueue(ctx.targets, delivery.message);
      if (outcome.kind === 'failed') later.push({ delivery, dueMs: now + (retryDelaySeconds(MANAGED_RETRY, 1) ?? 0) * 1000, attempts: 1 });
      else if (outcome.kind === 'refused') abandon(ctx, delivery, outcome);
    }
    if (topic.fifo && prepared.dedupKey !== undefined) dedupRecords.set(prepared.dedupKey, [now + DEDUPLICATION_MS, published.messageId, published.sequenceNumber!]);
    return { messageId: published.messageId, sequenceNumber: published.sequenceNumber };
  });
  if (later.length > 0 || dedupRecords.size > 0) {
    ctx.store.transaction(() => {
      for (const { delivery, dueMs, attempts } of later) ctx.outbox.add(delivery, dueMs, attempts);
      for (const [key, [expires, messageId, sequence]] of dedupRecords) ctx.store.sql.upsertDedup.run(topic.name, key, expires, messageId, sequence);
    });
    if (later.length > 0) ctx.outbox.wake();
  }
  return results;
}

/** Whether a message passes a subscription's filter policy (a subscription without one takes every message). */
function passesFilter(subscription: Subscription, prepared: PreparedMessage): boolean {
  const filter = filterOf(subscription.attributes);
  if (!filter) return true;
  if (filter.scope === 'MessageAttributes') return matchesAttributes(filter.policy, prepared.attributes);
  const message = prepared.perProtocol ? (prepared.perProtocol[subscription.protocol] ?? prepared.perProtocol.default!) : prepared.message;
  return matchesBody(filter.policy, message);
}
