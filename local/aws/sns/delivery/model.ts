import { z } from 'zod';

/** A message for an SQS queue, as the local SQS's `deliver` takes it (attribute values as SendMessage takes them). */
export const QueueMessage = z.object({
  queueArn: z.string(),
  body: z.string(),
  attributes: z.record(z.string(), z.object({ DataType: z.string(), StringValue: z.string().optional(), BinaryValue: z.string().optional() })).optional(),
  groupId: z.string().optional(),
  dedupId: z.string().optional(),
});
export type QueueMessage = z.infer<typeof QueueMessage>;

const RetryPolicySchema = z.object({
  minDelayTarget: z.number(),
  maxDelayTarget: z.number(),
  numRetries: z.number(),
  numNoDelayRetries: z.number(),
  numMinDelayRetries: z.number(),
  numMaxDelayRetries: z.number(),
  backoffFunction: z.enum(['linear', 'arithmetic', 'geometric', 'exponential']),
});

const Common = {
  subscriptionArn: z.string(),
  /** What the subscription's dead-letter queue receives when the delivery fails for good. */
  deadLetter: QueueMessage.optional(),
};

/**
 * One delivery to one subscription, rendered when the message was published (as SNS signs a
 * message once) and kept in the outbox until it is made, refused for good, or out of retries.
 */
export const Delivery = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sqs'), message: QueueMessage, ...Common }),
  z.object({ kind: z.literal('lambda'), functionArn: z.string(), event: z.string(), ...Common }),
  z.object({
    kind: z.literal('http'),
    url: z.string(),
    headers: z.record(z.string(), z.string()),
    body: z.string(),
    retry: RetryPolicySchema,
    ...Common,
  }),
]);
export type Delivery = z.infer<typeof Delivery>;

/** How one attempt ended: made, refused for good (a client-side error: no retry), or failed (retry per the policy). */
export type AttemptOutcome = { kind: 'delivered' } | { kind: 'refused'; reason: string } | { kind: 'failed'; reason: string };
