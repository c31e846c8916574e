import { AwsError } from '../service.js';
import { sqsError } from './errors.js';

/** The failure of one batch entry: `BatchResultErrorEntry` of the answer. */
export interface BatchFailure {
  Id: string;
  SenderFault: boolean;
  Code: string;
  Message: string;
}

const ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;
const MAX_ENTRIES = 10;

/**
 * Refuses a batch SQS refuses as a whole: no entries (EmptyBatchRequest), more than 10
 * (TooManyEntriesInBatchRequest), an Id that is not 1-80 of A-Za-z0-9_- (InvalidBatchEntryId),
 * a repeated Id (BatchEntryIdsNotDistinct). Wording recorded against AWS (localstack
 * tests/aws/services/sqs/test_sqs.snapshot.json); limits from "Amazon SQS message quotas".
 */
export function checkBatchEntries(operation: string, entries: ReadonlyArray<{ Id: string }> | undefined): void {
  if (entries === undefined || entries.length === 0) {
    throw sqsError('AWS.SimpleQueueService.EmptyBatchRequest', `There should be at least one ${operation}RequestEntry in the request.`);
  }
  if (entries.length > MAX_ENTRIES) {
    throw sqsError(
      'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are ${MAX_ENTRIES}. You have sent ${entries.length}.`,
    );
  }
  const seen = new Set<string>();
  for (const { Id } of entries) {
    if (!ENTRY_ID.test(Id)) {
      throw sqsError(
        'AWS.SimpleQueueService.InvalidBatchEntryId',
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
      );
    }
    if (seen.has(Id)) throw sqsError('AWS.SimpleQueueService.BatchEntryIdsNotDistinct', `Id ${Id} repeated.`);
    seen.add(Id);
  }
}

/** Runs one entry of a batch, turning an SQS error into its BatchResultErrorEntry (other errors propagate). */
export function runEntry<T>(id: string, run: () => T): { ok: T } | { failed: BatchFailure } {
  try {
    return { ok: run() };
  } catch (error) {
    if (error instanceof AwsError && error.status < 500) {
      return { failed: { Id: id, SenderFault: true, Code: error.code, Message: error.message } };
    }
    throw error;
  }
}
