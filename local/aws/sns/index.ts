import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { LambdaService } from '../lambda/index.js';
import { AwsError, type LocalService, type ServiceRequest } from '../service.js';
import type { SqsService } from '../sqs/index.js';
import { authorizeSns, principalArnOf } from './authorize.js';
import type { CallerInfo, Operation, SnsContext } from './context.js';
import type { DeliveryTargets } from './delivery/attempt.js';
import { Outbox } from './delivery/outbox.js';
import { snsError } from './errors.js';
import { publish, publishBatch } from './ops/publish.js';
import { subscribe } from './ops/subscribe.js';
import {
  confirmSubscription,
  getSubscriptionAttributes,
  listSubscriptions,
  listSubscriptionsByTopic,
  setSubscriptionAttributes,
  unsubscribe,
} from './ops/subscriptions.js';
import { listTagsForResource, tagResource, untagResource } from './ops/tags.js';
import { createTopic, deleteTopic, getTopicAttributes, listTopics, setTopicAttributes } from './ops/topics.js';
import { Signer } from './signing/signer.js';
import { SnsStore } from './store/index.js';
import { startSweeper } from './sweep.js';
import { SNS_TRAITS } from './traits.js';
import { anonymousRouteOf, readCall, sendCertificate, sendResult, sendSnsError, type SnsCall } from './wire.js';

export { SNS_OPERATIONS } from './operations.js';
export { anonymousRouteOf } from './wire.js';

export interface SnsServiceOptions {
  /** Where topics, subscriptions, the outbox and the signing key live (`sns.sqlite`); created when missing. */
  dataDir: string;
  region: string;
  /** The endpoint's base URL (http://127.0.0.1:PORT), for SubscribeURL, UnsubscribeURL and SigningCertURL. */
  endpointUrl: () => string;
  /** The local SQS deliveries to `sqs` subscriptions go to (looked up at each delivery). */
  sqs: () => Pick<SqsService, 'deliver'>;
  /** The local Lambda deliveries to `lambda` subscriptions go to (looked up at each delivery). */
  lambda: () => Pick<LambdaService, 'invoke'>;
  /** The clock (ms since the epoch); tests move it. Default Date.now. */
  now?: () => number;
  /** How often expired deduplication records and stale subscriptions are deleted. Default 60 s. */
  sweepIntervalMs?: number;
  logError?: (message: string, error: unknown) => void;
}

/** The SNS service of the local endpoint. */
export interface SnsService extends LocalService {
  /** Resolves once no delivery is being made and none is due now (tests, benchmarks). */
  idle(): Promise<void>;
  /** How many deliveries wait in the outbox (to be made, or retried later). */
  pendingDeliveries(): number;
}

/** Largest request body: a 256 KB message form-encoded (up to 3 bytes a byte), with room for attributes. */
/** The SenderId of messages SNS delivers to SQS queues (what AWS's SQS answers for them; local/aws/sqs/README.md). */
export const SNS_SENDER_ID = 'AIDAIT2UOQQY3AUEKVGXU';

const OPERATIONS: Readonly<Record<string, Operation>> = {
  CreateTopic: createTopic,
  ListTopics: listTopics,
  GetTopicAttributes: getTopicAttributes,
  SetTopicAttributes: setTopicAttributes,
  DeleteTopic: deleteTopic,
  Subscribe: subscribe,
  ConfirmSubscription: confirmSubscription,
  Unsubscribe: unsubscribe,
  ListSubscriptions: listSubscriptions,
  ListSubscriptionsByTopic: listSubscriptionsByTopic,
  GetSubscriptionAttributes: getSubscriptionAttributes,
  SetSubscriptionAttributes: setSubscriptionAttributes,
  Publish: publish,
  PublishBatch: publishBatch,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
};

/** Creates the SNS service (query protocol), persisted under `dataDir`, delivering to the local SQS, Lambda and HTTP/S endpoints. */
export function createSnsService(options: SnsServiceOptions): SnsService {
  const logError = options.logError ?? ((message, error) => console.error(message, error));
  const now = options.now ?? Date.now;
  const store = SnsStore.open(options.dataDir);
  const targets: DeliveryTargets = {
    deliverToQueue(queueArn, message) {
      options.sqs().deliver(queueArn, {
        body: message.body,
        ...(message.attributes ? { attributes: message.attributes } : {}),
        ...(message.groupId !== undefined ? { messageGroupId: message.groupId } : {}),
        ...(message.dedupId !== undefined ? { deduplicationId: message.dedupId } : {}),
        senderId: SNS_SENDER_ID,
      });
    },
    async invokeFunction(functionArn, event) {
      await options.lambda().invoke(functionArn, Buffer.from(event, 'utf8'), 'Event');
    },
  };
  const outbox = new Outbox({ store, targets, now, logError });
  let lastSequence = 0n;
  const ctx: SnsContext = {
    store,
    region: options.region,
    endpointUrl: options.endpointUrl,
    now,
    signer: new Signer(join(options.dataDir, 'signing')),
    outbox,
    targets,
    logError,
    nextSequenceNumber() {
      // Time-based, so it keeps increasing across restarts without a write: 20 digits.
      const candidate = BigInt(now()) * 10_000_000n;
      lastSequence = candidate > lastSequence ? candidate : lastSequence + 1n;
      return lastSequence.toString();
    },
  };
  const sweeper = startSweeper(ctx, options.sweepIntervalMs ?? 60_000);
  // Deliveries an earlier run committed and did not make: due now (after the endpoint has started listening).
  setImmediate(() => outbox.wake());
  let closed = false;

  async function run(call: SnsCall, caller: CallerInfo, res: ServerResponse): Promise<void> {
    const operation = OPERATIONS[call.operation];
    if (!operation) throw snsError('InvalidAction', `The action ${call.operation} is not valid for this web service.`);
    let result: Record<string, unknown>;
    try {
      result = await operation(ctx, call.params, caller);
    } catch (error) {
      if (error instanceof AwsError) throw error;
      throw new AwsError(500, 'InternalError', 'The request processing has failed because of an unknown error, exception or failure.', { cause: error });
    }
    if (!res.destroyed) sendResult(res, call.operation, result);
  }

  /** The unsigned routes: the signing certificate, and a GET of a SubscribeURL or UnsubscribeURL. */
  async function serveAnonymous(request: ServiceRequest, res: ServerResponse): Promise<void> {
    const route = anonymousRouteOf(request.method, request.incoming.url ?? '/');
    if (route === 'certificate') {
      if (request.rawPath !== `/${ctx.signer.certificateName()}`) throw snsError('NotFound', 'The certificate does not exist');
      sendCertificate(res, ctx.signer.certificatePem());
      return;
    }
    await run(readCall(request), { principalArn: 'anonymous', signed: false }, res);
  }

  return {
    ...SNS_TRAITS,
    operationOf(request) {
      try {
        const { operation } = readCall(request);
        return Object.hasOwn(OPERATIONS, operation) ? operation : 'Unknown';
      } catch {
        return 'Unknown';
      }
    },
    async handle(request, res) {
      if (request.caller === null) {
        await serveAnonymous(request, res);
        return;
      }
      const call = readCall(request);
      const principal = request.caller.principal;
      if (principal) authorizeSns(principal, options.region, call.operation, call.params);
      await run(call, { principalArn: principalArnOf(principal), signed: true }, res);
    },
    sendError: (_request, res, error) => sendSnsError(res, error),
    idle: () => outbox.idle(),
    pendingDeliveries: () => outbox.pending(),
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      sweeper.stop();
      outbox.close();
      store.close();
      return Promise.resolve();
    },
  };
}
