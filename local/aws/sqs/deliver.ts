import { queueDoesNotExist } from './errors.js';
import { prepareMessage } from './message-input.js';
import { nameFromArn } from './names.js';
import type { AttributeValueInput } from './params.js';
import type { SqsContext } from './context.js';
import { enqueue } from './ops/send.js';

/** A message another local service (SNS) delivers into a queue. */
export interface Delivery {
  body: string;
  /** Message attributes as SendMessage takes them (binary values in base64). */
  attributes?: Record<string, AttributeValueInput>;
  /** Required by FIFO queues. */
  messageGroupId?: string;
  /** FIFO: deduplicates within 5 minutes; without it the queue needs content-based deduplication. */
  deduplicationId?: string;
  /** The SenderId receivers see (default: the account id). */
  senderId?: string;
}

/** Where a delivery went. */
export interface Delivered {
  messageId: string;
  /** FIFO queues only. */
  sequenceNumber?: string;
  md5OfBody: string;
}

/**
 * Stores a message in the queue of `queueArn` as SendMessage would, enforcing only the queue's
 * own rules (size, attributes, FIFO group and deduplication) and no IAM. Throws the AwsError
 * SendMessage would answer (NonExistentQueue for a queue that does not exist).
 */
export function deliverMessage(ctx: SqsContext, queueArn: string, delivery: Delivery): Delivered {
  const name = nameFromArn(queueArn, ctx.region);
  const queue = name === undefined ? undefined : ctx.store.findQueue(name);
  if (!queue) throw queueDoesNotExist();
  const prepared = prepareMessage(
    {
      MessageBody: delivery.body,
      MessageAttributes: delivery.attributes,
      MessageGroupId: delivery.messageGroupId,
      MessageDeduplicationId: delivery.deduplicationId,
    },
    queue.settings,
  );
  const [sent] = enqueue(ctx, queue, [prepared], delivery.senderId ?? '000000000000');
  return {
    messageId: sent!.MessageId,
    md5OfBody: sent!.MD5OfMessageBody,
    ...(sent!.SequenceNumber === undefined ? {} : { sequenceNumber: sent!.SequenceNumber }),
  };
}
