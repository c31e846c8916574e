import { z } from 'zod';
import { invalidParameter } from '../errors.js';
import { parseParams, RequiredString, StringListInput } from '../params.js';
import type { Queue } from '../store/index.js';
import { requireQueue, type Operation, type SqsContext } from '../context.js';
import { takeMessages, type ReceiveOptions } from './take.js';

const ReceiveInput = z.object({
  QueueUrl: RequiredString,
  AttributeNames: StringListInput.optional(),
  MessageSystemAttributeNames: StringListInput.optional(),
  MessageAttributeNames: StringListInput.optional(),
  MaxNumberOfMessages: z.number().int().optional(),
  VisibilityTimeout: z.number().int().optional(),
  WaitTimeSeconds: z.number().int().optional(),
  ReceiveRequestAttemptId: z.string().optional(),
});
type ReceiveInput = z.infer<typeof ReceiveInput>;

/**
 * ReceiveMessage: up to MaxNumberOfMessages (1..10) receivable messages, each hidden for the
 * visibility timeout (the request's, else the queue's). With a wait time (the request's
 * WaitTimeSeconds, else the queue's ReceiveMessageWaitTimeSeconds, 0..20) an empty answer waits
 * until a message can be received and returns at once with it (long polling), or answers
 * empty when the time is up (API_ReceiveMessage). Range wording recorded against AWS
 * (localstack test_sqs.snapshot.json).
 */
export const receiveMessage: Operation = async (ctx, params, caller) => {
  const input = parseParams(ReceiveInput, params);
  const queue = requireQueue(ctx, input.QueueUrl);
  const options = readOptions(input, queue);
  const waitSeconds = input.WaitTimeSeconds ?? queue.settings.receiveMessageWaitTimeSeconds;
  if (waitSeconds < 0 || waitSeconds > 20) throw invalidParameter('WaitTimeSeconds', waitSeconds, 'Must be >= 0 and <= 20, if provided.');
  const deadline = ctx.now() + waitSeconds * 1000;
  for (;;) {
    const current = ctx.store.findQueueById(queue.id);
    if (!current || ctx.waiters.closed) return {};
    const messages = takeMessages(ctx, current, options);
    if (messages.length > 0) return { Messages: messages };
    const now = ctx.now();
    if (now >= deadline || caller.signal.aborted) return {};
    await ctx.waiters.wait(queue.id, Math.min(deadline, nextVisibleAt(ctx, current, now)), ctx.now, caller.signal);
  }
};

function readOptions(input: ReceiveInput, queue: Queue): ReceiveOptions {
  const max = input.MaxNumberOfMessages ?? 1;
  if (max < 1 || max > 10) throw invalidParameter('MaxNumberOfMessages', max, 'Must be between 1 and 10, if provided.');
  const visibility = input.VisibilityTimeout ?? queue.settings.visibilityTimeout;
  if (visibility < 0 || visibility > 43_200) throw invalidParameter('VisibilityTimeout', visibility, 'Must be >= 0 and <= 43200, if provided.');
  return {
    max,
    visibilitySeconds: visibility,
    systemAttributeNames: [...(input.AttributeNames ?? []), ...(input.MessageSystemAttributeNames ?? [])],
    messageAttributeNames: input.MessageAttributeNames ?? [],
  };
}

/** When the next message of a queue becomes visible on its own (a delay or visibility timeout ending), or never. */
function nextVisibleAt(ctx: SqsContext, queue: Queue, now: number): number {
  return ctx.store.sql.nextVisible.get(queue.id, now)?.at ?? Number.POSITIVE_INFINITY;
}
