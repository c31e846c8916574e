import { z } from 'zod';
import { checkBatchEntries, runEntry, type BatchFailure } from '../batch.js';
import { invalidParameter, sqsError } from '../errors.js';
import { parseParams, RequiredString } from '../params.js';
import { decodeReceipt } from '../receipts.js';
import type { MessageRow, Queue } from '../store/index.js';
import { requireQueue, type Operation, type SqsContext } from '../context.js';

const DeleteInput = z.object({ QueueUrl: RequiredString, ReceiptHandle: RequiredString });
const DeleteBatchInput = z.object({ QueueUrl: RequiredString, Entries: z.array(z.object({ Id: z.string(), ReceiptHandle: RequiredString })).optional() });
const ChangeInput = z.object({ QueueUrl: RequiredString, ReceiptHandle: RequiredString, VisibilityTimeout: z.number().int() });
const ChangeBatchInput = z.object({
  QueueUrl: RequiredString,
  Entries: z.array(z.object({ Id: z.string(), ReceiptHandle: RequiredString, VisibilityTimeout: z.number().int() })).optional(),
});

/** The longest a message may stay in flight from its receipt: 12 hours (API_ChangeMessageVisibility). */
const MAX_VISIBILITY_SECONDS = 43_200;

/** DeleteMessage: deletes the message a receipt handle names. */
export const deleteMessage: Operation = (ctx, params) => {
  const input = parseParams(DeleteInput, params);
  deleteOne(ctx, requireQueue(ctx, input.QueueUrl), input.ReceiptHandle);
  return {};
};

/** DeleteMessageBatch: up to 10 deletions, each answered on its own. */
export const deleteMessageBatch: Operation = (ctx, params) => {
  const input = parseParams(DeleteBatchInput, params);
  const queue = requireQueue(ctx, input.QueueUrl);
  checkBatchEntries('DeleteMessageBatch', input.Entries);
  return runBatch(input.Entries!, (entry) => deleteOne(ctx, queue, entry.ReceiptHandle));
};

/** ChangeMessageVisibility: makes a received message visible again after VisibilityTimeout seconds from now. */
export const changeMessageVisibility: Operation = (ctx, params) => {
  const input = parseParams(ChangeInput, params);
  changeOne(ctx, requireQueue(ctx, input.QueueUrl), input.ReceiptHandle, input.VisibilityTimeout);
  return {};
};

/** ChangeMessageVisibilityBatch: up to 10 changes, each answered on its own. */
export const changeMessageVisibilityBatch: Operation = (ctx, params) => {
  const input = parseParams(ChangeBatchInput, params);
  const queue = requireQueue(ctx, input.QueueUrl);
  checkBatchEntries('ChangeMessageVisibilityBatch', input.Entries);
  return runBatch(input.Entries!, (entry) => changeOne(ctx, queue, entry.ReceiptHandle, entry.VisibilityTimeout));
};

function runBatch<E extends { Id: string }>(entries: readonly E[], run: (entry: E) => void): Record<string, unknown> {
  const successful: Array<{ Id: string }> = [];
  const failed: BatchFailure[] = [];
  for (const entry of entries) {
    const outcome = runEntry(entry.Id, () => run(entry));
    if ('failed' in outcome) failed.push(outcome.failed);
    else successful.push({ Id: entry.Id });
  }
  return { Successful: successful, Failed: failed };
}

/**
 * Deletes by receipt handle. A message already deleted is no error (recorded against AWS:
 * localstack test_sqs.py, test_delete_message_with_deleted_receipt_handle). On a standard queue
 * an older handle of the message still deletes it ("If you use an old ReceiptHandle, the
 * request will succeed", API_DeleteMessage; test_remove_message_with_old_receipt_handle); on a
 * FIFO queue a handle whose receipt has ended is refused: "The receipt handle has expired."
 */
function deleteOne(ctx: SqsContext, queue: Queue, handle: string): void {
  const row = findByHandle(ctx, queue, handle);
  if (!row) return;
  if (queue.settings.fifo && !isCurrentReceipt(ctx, row, handle)) throw expiredHandle(handle);
  ctx.store.sql.deleteMessage.run(row.seq);
  if (queue.settings.fifo) ctx.waiters.notify(queue.id);
}

/**
 * Changes visibility by receipt handle. The message must exist and the handle be its latest
 * receipt ("Message does not exist or is not available for visibility timeout change", as AWS
 * words it); on a FIFO queue the receipt must not have ended. The total time in flight since
 * the receipt may not pass 12 hours.
 */
function changeOne(ctx: SqsContext, queue: Queue, handle: string, seconds: number): void {
  if (seconds < 0 || seconds > MAX_VISIBILITY_SECONDS) {
    throw invalidParameter('VisibilityTimeout', seconds, `Must be >= 0 and <= ${MAX_VISIBILITY_SECONDS}.`);
  }
  const row = findByHandle(ctx, queue, handle);
  const nonce = decodeReceipt(handle).nonce;
  if (!row || row.receipt !== nonce) {
    throw invalidParameter('ReceiptHandle', handle, 'Message does not exist or is not available for visibility timeout change.');
  }
  const now = ctx.now();
  if (queue.settings.fifo && row.visible_ms <= now) throw expiredHandle(handle);
  if (now + seconds * 1000 - (row.received_ms ?? now) > MAX_VISIBILITY_SECONDS * 1000) {
    throw invalidParameter('VisibilityTimeout', seconds, `Total VisibilityTimeout for the message is beyond the limit [${MAX_VISIBILITY_SECONDS} seconds].`);
  }
  ctx.store.sql.setVisibility.run(now + seconds * 1000, row.seq);
  if (seconds === 0) ctx.waiters.notify(queue.id);
}

function findByHandle(ctx: SqsContext, queue: Queue, handle: string): MessageRow | undefined {
  const receipt = decodeReceipt(handle);
  if (receipt.queueId !== queue.id) {
    throw sqsError('ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`);
  }
  return ctx.store.sql.getMessage.get(receipt.seq, queue.id);
}

function isCurrentReceipt(ctx: SqsContext, row: MessageRow, handle: string): boolean {
  return row.receipt === decodeReceipt(handle).nonce && row.visible_ms > ctx.now();
}

// Recorded against AWS: localstack test_sqs.snapshot.json, test_fifo_delete_after_visibility_timeout.
function expiredHandle(handle: string): Error {
  return invalidParameter('ReceiptHandle', handle, 'The receipt handle has expired.');
}
