import { randomBytes } from 'node:crypto';
import { sqsError } from './errors.js';

/** What a receipt handle names: the queue (by id, so a recreated queue's are not its), the message, the receipt. */
export interface Receipt {
  queueId: number;
  seq: number;
  nonce: string;
}

const DECODED = /^sqs1\.(\d+)\.(\d+)\.([A-Za-z0-9_-]{16})$/;

/** A new receipt nonce, drawn for each receive. */
export function newNonce(): string {
  return randomBytes(12).toString('base64url');
}

/** The receipt handle of a receive: opaque base64, as AWS's are. */
export function encodeReceipt(receipt: Receipt): string {
  return Buffer.from(`sqs1.${receipt.queueId}.${receipt.seq}.${receipt.nonce}`, 'utf8').toString('base64');
}

/**
 * Reads a receipt handle, refusing one that is not a receipt handle at all as SQS does:
 * ReceiptHandleIsInvalid, `The input receipt handle "H" is not a valid receipt handle.`
 * (recorded against AWS: localstack test_sqs.py, test_delete_message_with_illegal_receipt_handle).
 */
export function decodeReceipt(handle: string): Receipt {
  const match = DECODED.exec(Buffer.from(handle, 'base64').toString('utf8'));
  if (!match) throw sqsError('ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`);
  return { queueId: Number(match[1]), seq: Number(match[2]), nonce: match[3]! };
}
