import { z } from 'zod';
import { invalidParameter, queueDoesNotExist, sqsError } from '../errors.js';
import { checkQueueName, nameFromArn } from '../names.js';
import { parseParams, RequiredString, StringMapInput } from '../params.js';
import {
  canonicalAttributes,
  defaultAttributes,
  findDifferentAttribute,
  mergeAttributes,
  readRedrivePolicy,
  type QueueAttributes,
} from '../queue-attributes.js';
import { requireQueue, urlOf, type Operation, type SqsContext } from '../context.js';

const CreateQueueInput = z.object({ QueueName: RequiredString, Attributes: StringMapInput.optional(), tags: StringMapInput.optional() });
const QueueNameInput = z.object({ QueueName: RequiredString, QueueOwnerAWSAccountId: z.string().optional() });
const QueueUrlInput = z.object({ QueueUrl: RequiredString });
const SetAttributesInput = z.object({ QueueUrl: RequiredString, Attributes: StringMapInput });
const ListQueuesInput = z.object({
  QueueNamePrefix: z.string().optional(),
  NextToken: z.string().optional(),
  MaxResults: z.number().int().optional(),
});

/** How long a deleted queue's name stays unavailable ("you must wait at least 60 seconds", API_DeleteQueue). */
const RECREATE_DELAY_MS = 60_000;

/**
 * CreateQueue: creates the queue, or answers the existing queue's URL when every attribute given
 * has the existing value; a different value is QueueAlreadyExists (API_CreateQueue; wording
 * recorded against AWS, localstack test_sqs.snapshot.json).
 */
export const createQueue: Operation = (ctx, params) => {
  const input = parseParams(CreateQueueInput, params);
  const given = input.Attributes ?? {};
  const fifo = (given.FifoQueue ?? '').toLowerCase() === 'true';
  checkQueueName(input.QueueName, fifo);
  const attributes = canonicalAttributes(given, fifo, true);
  if (!fifo) delete attributes.FifoQueue;
  checkRedriveTarget(ctx, attributes, fifo);
  const existing = ctx.store.findQueue(input.QueueName);
  if (existing) {
    const different = findDifferentAttribute(existing.attributes, attributes);
    if (different !== undefined) {
      throw sqsError('QueueAlreadyExists', `A queue already exists with the same name and a different value for attribute ${different}`);
    }
    return { QueueUrl: urlOf(ctx, existing) };
  }
  const now = ctx.now();
  const deletedAt = ctx.recentlyDeleted.get(input.QueueName);
  if (deletedAt !== undefined && now - deletedAt < RECREATE_DELAY_MS) {
    throw sqsError(
      'AWS.SimpleQueueService.QueueDeletedRecently',
      'You must wait 60 seconds after deleting a queue before you can create another with the same name.',
    );
  }
  const queue = ctx.store.createQueue(input.QueueName, { ...defaultAttributes(fifo), ...attributes }, input.tags ?? {}, now);
  return { QueueUrl: urlOf(ctx, queue) };
};

/** GetQueueUrl: the URL of a queue by name. */
export const getQueueUrl: Operation = (ctx, params) => {
  const input = parseParams(QueueNameInput, params);
  const queue = ctx.store.findQueue(input.QueueName);
  if (!queue) throw queueDoesNotExist();
  return { QueueUrl: urlOf(ctx, queue) };
};

/**
 * ListQueues: queue URLs in name order, filtered by prefix; up to 1,000 without MaxResults
 * (and no NextToken), pages of MaxResults (1..1000) with a NextToken otherwise (API_ListQueues).
 */
export const listQueues: Operation = (ctx, params) => {
  const input = parseParams(ListQueuesInput, params);
  const max = input.MaxResults;
  if (max !== undefined && (max < 1 || max > 1000)) invalidMaxResults(max);
  const after = input.NextToken === undefined ? '' : readNextToken(input.NextToken);
  const prefix = input.QueueNamePrefix ?? '';
  const names = ctx.store
    .listQueues()
    .filter((queue) => queue.name.startsWith(prefix) && queue.name > after)
    .slice(0, (max ?? 1000) + 1);
  const page = names.slice(0, max ?? 1000);
  const result: Record<string, unknown> = {};
  if (page.length > 0) result.QueueUrls = page.map((queue) => urlOf(ctx, queue));
  if (max !== undefined && names.length > page.length) result.NextToken = Buffer.from(page[page.length - 1]!.name, 'utf8').toString('base64');
  return result;
};

function invalidMaxResults(max: number): never {
  throw invalidParameter('MaxResults', max, 'MaxResults must be an integer between 1 and 1000.');
}

function readNextToken(token: string): string {
  const name = Buffer.from(token, 'base64').toString('utf8');
  if (!/^[A-Za-z0-9_.-]{1,80}$/.test(name)) throw invalidParameter('NextToken', token, 'Invalid NextToken value.');
  return name;
}

/** DeleteQueue: deletes the queue and its messages; its name is free again after 60 s. */
export const deleteQueue: Operation = (ctx, params) => {
  const queue = requireQueue(ctx, parseParams(QueueUrlInput, params).QueueUrl);
  ctx.store.deleteQueue(queue);
  ctx.recentlyDeleted.set(queue.name, ctx.now());
  ctx.waiters.notifyAll(queue.id);
  return {};
};

/** SetQueueAttributes: checks every attribute before changing any. */
export const setQueueAttributes: Operation = (ctx, params) => {
  const input = parseParams(SetAttributesInput, params);
  const queue = requireQueue(ctx, input.QueueUrl);
  const changes = canonicalAttributes(input.Attributes, queue.settings.fifo, false);
  checkRedriveTarget(ctx, changes, queue.settings.fifo);
  ctx.store.setAttributes(queue, mergeAttributes(queue.attributes, changes), ctx.now());
  ctx.waiters.notifyAll(queue.id);
  return {};
};

/** PurgeQueue: deletes every message; once per 60 s (PurgeQueueInProgress, 403; wording recorded against AWS). */
export const purgeQueue: Operation = (ctx, params) => {
  const queue = requireQueue(ctx, parseParams(QueueUrlInput, params).QueueUrl);
  const now = ctx.now();
  if (queue.purgedMs !== null && now - queue.purgedMs < 60_000) {
    throw sqsError('AWS.SimpleQueueService.PurgeQueueInProgress', `Only one PurgeQueue operation on ${queue.name} is allowed every 60 seconds.`);
  }
  ctx.store.purgeQueue(queue, now);
  return {};
};

/**
 * A redrive policy must name an existing dead-letter queue of the same type (API_SetQueueAttributes:
 * "The dead-letter queue of a FIFO queue must also be a FIFO queue").
 */
function checkRedriveTarget(ctx: SqsContext, attributes: QueueAttributes, fifo: boolean): void {
  const policy = readRedrivePolicy(attributes);
  if (!policy) return;
  const refuse = (reason: string) => {
    throw sqsError('InvalidParameterValue', `Value ${attributes.RedrivePolicy} for parameter RedrivePolicy is invalid. Reason: ${reason}`);
  };
  const name = nameFromArn(policy.deadLetterTargetArn, ctx.region);
  if (name === undefined) refuse('Invalid value for deadLetterTargetArn.');
  const target = ctx.store.findQueue(name!);
  if (!target) refuse('Dead letter target does not exist.');
  if (target!.settings.fifo !== fifo) refuse('Dead-letter queue must be same type of queue as the source.');
}
