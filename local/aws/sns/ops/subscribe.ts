import { randomBytes, randomUUID } from 'node:crypto';
import { renderContextOf, requireTopic, type Operation, type SnsContext } from '../context.js';
import { renderConfirmationDelivery } from '../delivery/render.js';
import { invalidParameter } from '../errors.js';
import { isFifoName, isFunctionArn, readQueueArn, subscriptionArn } from '../names.js';
import { parseParams } from '../params.js';
import type { Subscription, Topic } from '../store/index.js';
import { applySubscriptionAttributes, differsFromSubscription } from '../subscription-attributes.js';

// Subscribe (API_Subscribe): SQS and Lambda subscriptions are confirmed at once; HTTP/S ones are
// pending until the endpoint confirms with the token of the SubscriptionConfirmation SNS POSTs to
// it (ConfirmSubscription, or a GET of its SubscribeURL). An endpoint subscribes to a topic once:
// a repeated Subscribe answers the same subscription unless it asks for other attributes
// (recorded against AWS: localstack test_sns.snapshot.json, test_subscribe_idempotency). The
// answer for a pending subscription is "pending confirmation" unless ReturnSubscriptionArn
// (test_http_subscription_response).

/** The protocols SNS has (API_Subscribe, Protocol). */
const PROTOCOLS = new Set(['http', 'https', 'email', 'email-json', 'sms', 'sqs', 'application', 'lambda', 'firehose']);
/** The ones the local endpoint can deliver to. */
const LOCAL_PROTOCOLS = new Set(['http', 'https', 'sqs', 'lambda']);

/** Subscribe. */
export const subscribe: Operation = (ctx, params, caller) => {
  const request = parseParams('Subscribe', params);
  const topic = requireTopic(ctx, request.TopicArn);
  const protocol = request.Protocol;
  if (!PROTOCOLS.has(protocol)) throw invalidParameter(`Amazon SNS does not support this protocol string: ${protocol}`);
  // FIFO topics deliver to SQS queues only ("Invalid parameter: Invalid protocol type: lambda", as AWS answers:
  // github.com/hashicorp/terraform/issues/28632; https://docs.aws.amazon.com/sns/latest/dg/fifo-message-delivery.html).
  if (topic.fifo && protocol !== 'sqs') throw invalidParameter(`Invalid protocol type: ${protocol}`);
  if (!LOCAL_PROTOCOLS.has(protocol)) {
    throw invalidParameter(`Protocol Reason: the local endpoint delivers to sqs, lambda, http and https subscriptions only, got ${protocol}`);
  }
  const endpoint = request.Endpoint ?? '';
  checkEndpoint(protocol, endpoint, topic);
  const attributes = applySubscriptionAttributes({}, request.Attributes ?? {}, { protocol, topicFifo: topic.fifo }, 'subscribe');
  const existing = [...topic.subscriptions.values()].find((s) => s.state !== 'deleted' && s.protocol === protocol && s.endpoint === endpoint);
  if (existing) {
    if (differsFromSubscription(existing.attributes, attributes)) throw invalidParameter('Attributes Reason: Subscription already exists with different attributes');
    if (existing.state === 'pending') sendConfirmation(ctx, topic, { ...existing, tokenMs: ctx.now() }, 'SubscriptionConfirmation');
    return answer(ctx, topic, existing, request.ReturnSubscriptionArn === true);
  }
  const http = protocol === 'http' || protocol === 'https';
  const now = ctx.now();
  const subscription: Subscription = {
    id: randomUUID(),
    topic: topic.name,
    protocol,
    endpoint,
    attributes,
    state: http ? 'pending' : 'confirmed',
    token: http ? newToken() : null,
    tokenMs: http ? now : null,
    authenticated: !http,
    principal: caller.principalArn,
    createdMs: now,
    deletedMs: null,
  };
  if (http) sendConfirmation(ctx, topic, subscription, 'SubscriptionConfirmation');
  else ctx.store.saveSubscription(subscription);
  return answer(ctx, topic, subscription, request.ReturnSubscriptionArn === true);
};

/**
 * Saves a subscription and, in the same transaction, the confirmation message to its endpoint
 * (SubscriptionConfirmation, or UnsubscribeConfirmation whose token restores it), then wakes the outbox.
 */
export function sendConfirmation(ctx: SnsContext, topic: Topic, subscription: Subscription, type: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation'): void {
  const token = subscription.token ?? newToken();
  const saved = { ...subscription, token };
  const delivery = renderConfirmationDelivery(renderContextOf(ctx), topic, saved, type, token, ctx.now());
  ctx.store.transaction(() => {
    ctx.store.saveSubscription(saved);
    ctx.outbox.add(delivery, ctx.now());
  });
  ctx.outbox.wake();
}

/** A confirmation token: 128 hex digits. */
export function newToken(): string {
  return randomBytes(64).toString('hex');
}

function answer(ctx: SnsContext, topic: Topic, subscription: Subscription, returnArn: boolean): Record<string, unknown> {
  const arn = subscriptionArn(ctx.region, topic.name, subscription.id);
  return { SubscriptionArn: subscription.state === 'pending' && !returnArn ? 'pending confirmation' : arn };
}

/**
 * Refuses an endpoint its protocol does not take: an SQS endpoint must be a queue ARN ("Invalid
 * parameter: SQS endpoint ARN" — a queue URL too, recorded against AWS: test_subscribe_to_sqs_with_queue_url),
 * a FIFO queue only on a FIFO topic (test_validations_for_fifo), a Lambda endpoint a function ARN,
 * an HTTP/S endpoint a URL of that scheme. A queue that does not exist is no error (AWS subscribes it:
 * test_subscribe_unknown_sqs_queue; deliveries to it fail).
 */
function checkEndpoint(protocol: string, endpoint: string, topic: Topic): void {
  if (endpoint === '') throw invalidParameter('Endpoint Reason: no value for required parameter');
  if (protocol === 'sqs') {
    const queue = readQueueArn(endpoint);
    if (!queue) throw invalidParameter('SQS endpoint ARN');
    if (isFifoName(queue.name) && !topic.fifo) throw invalidParameter('Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics');
    return;
  }
  if (protocol === 'lambda') {
    if (!isFunctionArn(endpoint)) throw invalidParameter('Lambda endpoint ARN');
    return;
  }
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== `${protocol}:` || url.hostname === '') throw invalidParameter('Endpoint must match the specified protocol');
}
