import { z } from 'zod';
import { md5OfAttributes, type MessageAttribute } from '../md5.js';
import { nameFromArn } from '../names.js';
import { encodeReceipt, newNonce } from '../receipts.js';
import type { MessageRow, Queue } from '../store/index.js';
import { arnOf, type SqsContext } from '../context.js';
import { sequenceNumberOf } from './send.js';

/** What a ReceiveMessage asks for. */
export interface ReceiveOptions {
  max: number;
  visibilitySeconds: number;
  /** AttributeNames and MessageSystemAttributeNames together (`All` for every one). */
  systemAttributeNames: readonly string[];
  /** `All`, `.*`, `*`, names, or prefixes as `prefix.*`. */
  messageAttributeNames: readonly string[];
}

/** A message as ReceiveMessage answers it. */
export interface ReceivedMessage {
  MessageId: string;
  ReceiptHandle: string;
  MD5OfBody: string;
  Body: string;
  Attributes?: Record<string, string>;
  MD5OfMessageAttributes?: string;
  MessageAttributes?: Record<string, MessageAttribute>;
}

const StoredAttributes = z.record(z.string(), z.object({ DataType: z.string(), StringValue: z.string().optional(), BinaryValue: z.string().optional() }));
const StoredSystem = z.record(z.string(), z.string());

/**
 * Takes up to `max` receivable messages of a queue in one transaction, making each invisible
 * for the visibility timeout with a new receipt handle. A message about to be received more
 * than its queue's maxReceiveCount times is moved to the dead-letter queue instead, keeping
 * its id, body, attributes and receive count (the move itself is not a receive; recorded
 * against AWS: localstack test_sqs.snapshot.json, test_dead_letter_queue_message_attributes).
 * Expired messages (older than the retention period) are never taken.
 */
export function takeMessages(ctx: SqsContext, queue: Queue, options: ReceiveOptions): ReceivedMessage[] {
  return ctx.store.transaction(() => {
    const now = ctx.now();
    const cutoff = now - queue.settings.messageRetentionPeriod * 1000;
    const taken: ReceivedMessage[] = [];
    const select = queue.settings.fifo ? ctx.store.sql.receivableFifo : ctx.store.sql.receivableStandard;
    for (let round = 0; round < 10 && taken.length < options.max; round++) {
      const rows = select.all({ queue: queue.id, now, cutoff, limit: options.max - taken.length });
      if (rows.length === 0) break;
      for (const row of rows) {
        if (moveToDeadLetterQueue(ctx, queue, row, now)) continue;
        const nonce = newNonce();
        ctx.store.sql.markReceived.run({ visible: now + options.visibilitySeconds * 1000, now, receipt: nonce, seq: row.seq });
        const received = { ...row, receive_count: row.receive_count + 1, first_receive_ms: row.first_receive_ms ?? now, receipt: nonce };
        taken.push(describeMessage(ctx, queue, received, options));
      }
    }
    return taken;
  });
}

function moveToDeadLetterQueue(ctx: SqsContext, queue: Queue, row: MessageRow, now: number): boolean {
  const policy = queue.settings.redrivePolicy;
  if (!policy || row.receive_count < policy.maxReceiveCount) return false;
  const name = nameFromArn(policy.deadLetterTargetArn, ctx.region);
  const target = name === undefined ? undefined : ctx.store.findQueue(name);
  if (!target) return false; // AWS keeps redelivering while the dead-letter queue is missing
  const system = { ...(row.system ? StoredSystem.parse(JSON.parse(row.system)) : {}), DeadLetterQueueSourceArn: arnOf(ctx, queue) };
  ctx.store.sql.deleteMessage.run(row.seq);
  ctx.store.sql.insertMessage.run({
    ...row,
    seq: ctx.store.nextSeq(now),
    queue_id: target.id,
    system: JSON.stringify(system),
    visible_ms: now,
    receipt: null,
    received_ms: null,
  });
  ctx.waiters.notify(target.id);
  return true;
}

function describeMessage(ctx: SqsContext, queue: Queue, row: MessageRow, options: ReceiveOptions): ReceivedMessage {
  const message: ReceivedMessage = {
    MessageId: row.message_id,
    ReceiptHandle: encodeReceipt({ queueId: queue.id, seq: row.seq, nonce: row.receipt! }),
    MD5OfBody: row.md5_body,
    Body: row.body,
  };
  const system = selectSystemAttributes(row, options.systemAttributeNames, queue);
  if (Object.keys(system).length > 0) message.Attributes = system;
  if (row.attributes !== null && options.messageAttributeNames.length > 0) {
    const selected = selectMessageAttributes(StoredAttributes.parse(JSON.parse(row.attributes)), options.messageAttributeNames);
    if (Object.keys(selected).length > 0) {
      message.MD5OfMessageAttributes = md5OfAttributes(selected);
      message.MessageAttributes = selected;
    }
  }
  return message;
}

/** The system attributes of a received message (API_ReceiveMessage, MessageSystemAttributeNames). */
function selectSystemAttributes(row: MessageRow, names: readonly string[], queue: Queue): Record<string, string> {
  if (names.length === 0) return {};
  const stored = row.system ? StoredSystem.parse(JSON.parse(row.system)) : {};
  const all: Record<string, string | undefined> = {
    SenderId: row.sender_id,
    SentTimestamp: String(row.sent_ms),
    ApproximateReceiveCount: String(row.receive_count),
    ApproximateFirstReceiveTimestamp: String(row.first_receive_ms),
    AWSTraceHeader: stored.AWSTraceHeader,
    DeadLetterQueueSourceArn: stored.DeadLetterQueueSourceArn,
    MessageGroupId: row.group_id ?? undefined,
    MessageDeduplicationId: row.dedup_id ?? undefined,
    SequenceNumber: queue.settings.fifo ? sequenceNumberOf(row.seq) : undefined,
  };
  const wanted = names.includes('All') ? Object.keys(all) : names;
  const out: Record<string, string> = {};
  for (const name of wanted) {
    const value = all[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * The message attributes a receive asked for: `All`, `.*` and `*` select every one, `prefix.*`
 * those starting with the prefix, anything else the attribute of that name (recorded against
 * AWS: localstack test_sqs.snapshot.json, test_receive_message_message_attribute_names_filters).
 */
function selectMessageAttributes(attributes: Record<string, MessageAttribute>, names: readonly string[]): Record<string, MessageAttribute> {
  const out: Record<string, MessageAttribute> = {};
  const everything = names.some((n) => n === 'All' || n === '.*' || n === '*');
  for (const [name, value] of Object.entries(attributes)) {
    if (everything || names.some((n) => n === name || (n.endsWith('.*') && name.startsWith(n.slice(0, -2))))) out[name] = value;
  }
  return out;
}
