import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { checkBatchEntries, runEntry, type BatchFailure } from '../batch.js';
import { sqsError } from '../errors.js';
import { messageSize, prepareMessage, type MessageInput, type PreparedMessage } from '../message-input.js';
import { MessageFields, parseParams, RequiredString } from '../params.js';
import type { MessageRow, Queue } from '../store/index.js';
import { requireQueue, type Operation, type SqsContext } from '../context.js';

const SendMessageInput = z.object({ QueueUrl: RequiredString, ...MessageFields });
const SendBatchInput = z.object({ QueueUrl: RequiredString, Entries: z.array(z.object({ Id: z.string(), ...MessageFields })).optional() });

/** The answer to one sent message (SendMessage's result, a SendMessageBatch entry's without Id). */
export interface SentMessage {
  MessageId: string;
  MD5OfMessageBody: string;
  MD5OfMessageAttributes?: string;
  MD5OfMessageSystemAttributes?: string;
  SequenceNumber?: string;
}

/** FIFO deduplication interval: 5 minutes (API_SendMessage, MessageDeduplicationId). */
const DEDUPLICATION_MS = 5 * 60_000;
/** SendMessageBatch: "The length of all the messages put together" may be at most 1 MiB (BatchRequestTooLong). */
const MAX_BATCH_BYTES = 1_048_576;

/** SendMessage: stores one message; answered once it is committed. */
export const sendMessage: Operation = (ctx, params, caller) => {
  const input = parseParams(SendMessageInput, params);
  const queue = requireQueue(ctx, input.QueueUrl);
  return { ...enqueue(ctx, queue, [prepareMessage(input, queue.settings)], caller.senderId)[0]! };
};

/** SendMessageBatch: up to 10 messages; entries that fail their checks are reported, the others stored together. */
export const sendMessageBatch: Operation = (ctx, params, caller) => {
  const input = parseParams(SendBatchInput, params);
  const queue = requireQueue(ctx, input.QueueUrl);
  checkBatchEntries('SendMessageBatch', input.Entries);
  const entries = input.Entries!;
  checkBatchSize(entries);
  const failed: BatchFailure[] = [];
  const prepared: Array<{ id: string; message: PreparedMessage }> = [];
  for (const entry of entries) {
    const outcome = runEntry(entry.Id, () => prepareMessage(entry, queue.settings));
    if ('failed' in outcome) failed.push({ ...outcome.failed, Message: outcome.failed.Message.replace('parameters are invalid', 'parameters cannot be validated') });
    else prepared.push({ id: entry.Id, message: outcome.ok });
  }
  const sent = enqueue(ctx, queue, prepared.map((p) => p.message), caller.senderId);
  return { Successful: sent.map((result, i) => ({ Id: prepared[i]!.id, ...result })), Failed: failed };
};

function checkBatchSize(entries: readonly MessageInput[]): void {
  const total = entries.reduce((sum, entry) => sum + messageSize(entry), 0);
  if (total > MAX_BATCH_BYTES) {
    throw sqsError(
      'AWS.SimpleQueueService.BatchRequestTooLong',
      `Batch requests cannot be longer than ${MAX_BATCH_BYTES} bytes. You have sent ${total} bytes.`,
    );
  }
}

/**
 * Stores prepared messages in one transaction and wakes long polls. On a FIFO queue a message
 * whose deduplication id was seen in the last 5 minutes is accepted but not stored again: the
 * answer names the first message (API_SendMessage, MessageDeduplicationId; DeduplicationScope
 * messageGroup scopes ids to their group).
 */
export function enqueue(ctx: SqsContext, queue: Queue, messages: readonly PreparedMessage[], senderId: string): SentMessage[] {
  const now = ctx.now();
  const results = ctx.store.transaction(() => messages.map((message) => storeOne(ctx, queue, message, senderId, now)));
  const visibleNow = messages.filter((m) => m.delaySeconds === 0).length;
  if (visibleNow > 0) ctx.waiters.notify(queue.id, visibleNow);
  else if (messages.length > 0) ctx.waiters.notifyAll(queue.id);
  return results;
}

function storeOne(ctx: SqsContext, queue: Queue, message: PreparedMessage, senderId: string, now: number): SentMessage {
  const md5s = {
    MD5OfMessageBody: message.md5Body,
    ...(message.md5Attributes ? { MD5OfMessageAttributes: message.md5Attributes } : {}),
    ...(message.md5System ? { MD5OfMessageSystemAttributes: message.md5System } : {}),
  };
  const dedupKey = deduplicationKey(queue, message);
  if (dedupKey !== undefined) {
    const seen = ctx.store.sql.getDedup.get(queue.id, dedupKey);
    if (seen && seen.expires_ms > now) return { MessageId: seen.message_id, ...md5s, SequenceNumber: sequenceNumberOf(seen.seq) };
  }
  const row = newMessageRow(ctx, queue, message, senderId, now);
  ctx.store.sql.insertMessage.run(row);
  if (dedupKey === undefined) return { MessageId: row.message_id, ...md5s };
  ctx.store.sql.upsertDedup.run(queue.id, dedupKey, now + DEDUPLICATION_MS, row.message_id, row.seq);
  return { MessageId: row.message_id, ...md5s, SequenceNumber: sequenceNumberOf(row.seq) };
}

function deduplicationKey(queue: Queue, message: PreparedMessage): string | undefined {
  if (!queue.settings.fifo || message.dedupId === null) return undefined;
  return queue.settings.deduplicationScope === 'messageGroup' ? `${message.groupId ?? ''}\u0000${message.dedupId}` : message.dedupId;
}

function newMessageRow(ctx: SqsContext, queue: Queue, message: PreparedMessage, senderId: string, now: number): MessageRow {
  return {
    seq: ctx.store.nextSeq(now),
    queue_id: queue.id,
    message_id: randomUUID(),
    body: message.body,
    md5_body: message.md5Body,
    attributes: message.attributes ? JSON.stringify(message.attributes) : null,
    system: message.system ? JSON.stringify(message.system) : null,
    sender_id: senderId,
    sent_ms: now,
    visible_ms: now + message.delaySeconds * 1000,
    receive_count: 0,
    first_receive_ms: null,
    receipt: null,
    received_ms: null,
    group_id: message.groupId,
    dedup_id: message.dedupId,
  };
}

/**
 * A FIFO message's SequenceNumber: "large, non-consecutive", increasing with the order of
 * sending, 20 digits like AWS's; derived from the message's place in the store.
 */
export function sequenceNumberOf(seq: number): string {
  return (BigInt(seq) * 10_000n).toString().padStart(20, '0');
}
