import type { ServerResponse } from 'node:http';
import { AwsError, type LocalService, type ServiceRequest } from '../service.js';
import { authorizeSqs, senderIdOf } from './authorize.js';
import type { Operation, SqsContext } from './context.js';
import { deliverMessage, type Delivered, type Delivery } from './deliver.js';
import { sqsError } from './errors.js';
import { getQueueAttributes, listQueueTags, tagQueue, untagQueue } from './ops/attributes.js';
import { createQueue, deleteQueue, getQueueUrl, listQueues, purgeQueue, setQueueAttributes } from './ops/queues.js';
import { receiveMessage } from './ops/receive.js';
import { sendMessage, sendMessageBatch } from './ops/send.js';
import { changeMessageVisibility, changeMessageVisibilityBatch, deleteMessage, deleteMessageBatch } from './ops/visibility.js';
import { SqsStore } from './store/index.js';
import { startSweeper } from './sweep.js';
import type { SqsOperationName } from './operations.js';
import { SQS_TRAITS } from './traits.js';
import { Waiters } from './waiters.js';
import { readCall, sendResult, sendSqsError } from './wire.js';

export type { Delivered, Delivery } from './deliver.js';

export interface SqsServiceOptions {
  /** Where queues and messages live (`sqs.sqlite`); created when missing. */
  dataDir: string;
  region: string;
  /** The endpoint's base URL (http://127.0.0.1:PORT), for the queue URLs; the request's Host when not given. */
  endpointUrl?: () => string;
  /** The clock (ms since the epoch); tests move it to expire retention periods. Default Date.now. */
  now?: () => number;
  /** How often expired messages are deleted (they are never received once expired). Default 30 s. */
  sweepIntervalMs?: number;
  logError?: (message: string, error: unknown) => void;
}

/** The SQS service, with the internal delivery API for other local services. */
export interface SqsService extends LocalService {
  /** Stores a message in a queue by ARN, enforcing the queue's own rules and no IAM (for SNS). */
  deliver(queueArn: string, delivery: Delivery): Delivered;
  /** Deletes expired messages and deduplication records now; resolves how many messages. */
  sweepExpired(): number;
}

const OPERATIONS: Readonly<Record<SqsOperationName, Operation>> = {
  CreateQueue: createQueue,
  GetQueueUrl: getQueueUrl,
  ListQueues: listQueues,
  DeleteQueue: deleteQueue,
  GetQueueAttributes: getQueueAttributes,
  SetQueueAttributes: setQueueAttributes,
  PurgeQueue: purgeQueue,
  ListQueueTags: listQueueTags,
  TagQueue: tagQueue,
  UntagQueue: untagQueue,
  SendMessage: sendMessage,
  SendMessageBatch: sendMessageBatch,
  ReceiveMessage: receiveMessage,
  DeleteMessage: deleteMessage,
  DeleteMessageBatch: deleteMessageBatch,
  ChangeMessageVisibility: changeMessageVisibility,
  ChangeMessageVisibilityBatch: changeMessageVisibilityBatch,
};

/** Creates the SQS service (JSON 1.0 and query protocols), persisted under `dataDir`. */
export function createSqsService(options: SqsServiceOptions): SqsService {
  const logError = options.logError ?? ((message, error) => console.error(message, error));
  const store = SqsStore.open(options.dataDir);
  let requestHost = '';
  const ctx: SqsContext = {
    store,
    region: options.region,
    endpointUrl: options.endpointUrl ?? (() => `http://${requestHost}`),
    now: options.now ?? Date.now,
    waiters: new Waiters(),
    recentlyDeleted: new Map(),
  };
  const sweeper = startSweeper(ctx, options.sweepIntervalMs ?? 30_000, logError);
  let closed = false;

  return {
    ...SQS_TRAITS,
    operationOf(request) {
      try {
        const { operation } = readCall(request);
        return Object.hasOwn(OPERATIONS, operation) ? operation : 'Unknown';
      } catch {
        return 'Unknown';
      }
    },
    async handle(request: ServiceRequest, res: ServerResponse) {
      requestHost = request.host;
      const call = readCall(request);
      const principal = request.caller?.principal ?? null;
      if (principal) authorizeSqs(principal, options.region, call.operation, call.params);
      const operation = Object.hasOwn(OPERATIONS, call.operation) ? OPERATIONS[call.operation as SqsOperationName] : undefined;
      if (!operation) throw sqsError('InvalidAction', `The action ${call.operation} is not valid for this endpoint.`);
      const aborted = new AbortController();
      res.once('close', () => aborted.abort());
      let result: Record<string, unknown>;
      try {
        result = await operation(ctx, call.params, { senderId: senderIdOf(principal), signal: aborted.signal });
      } catch (error) {
        if (error instanceof AwsError) throw error;
        throw new AwsError(500, 'InternalError', 'We encountered an internal error. Please try again.', { cause: error });
      }
      if (!res.destroyed) sendResult(res, call, result);
    },
    sendError: (request, res, error) => sendSqsError(request.headers, res, error),
    deliver: (queueArn, delivery) => deliverMessage(ctx, queueArn, delivery),
    sweepExpired: () => sweeper.sweepNow(),
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      sweeper.stop();
      ctx.waiters.close();
      store.close();
      return Promise.resolve();
    },
  };
}

export { SQS_OPERATIONS } from './operations.js';
