import { randomUUID } from 'node:crypto';
import { effectiveHttpPolicy } from '../delivery-policy.js';
import { renderConfirmation, renderLambdaEvent, renderNotification, type EnvelopeContext, type NotificationInput } from '../envelope.js';
import type { PreparedMessage } from '../message-input.js';
import { isFifoName, readQueueArn, subscriptionArn, topicArn } from '../names.js';
import type { Subscription, Topic } from '../store/index.js';
import { subscriptionDeliveryPolicy } from '../subscription-attributes.js';
import { readDeliveryPolicy } from '../topic-attributes.js';
import type { Delivery, QueueMessage } from './model.js';

// What each subscription receives of a published message (https://docs.aws.amazon.com/sns/latest/dg/sns-large-payload-raw-message-delivery.html):
// with RawMessageDelivery the message itself (to SQS with the message attributes as SQS message
// attributes; to HTTP/S with the x-amz-sns-rawdelivery header), else the Notification document.
// MessageStructure=json picks the message of the subscription's protocol, or `default`. A FIFO
// topic passes its message group and deduplication id to FIFO queues (sns-fifo-topics.html); a
// message group id published to a standard topic reaches standard queues as MessageGroupId
// (recorded against AWS: localstack test_sns.snapshot.json, test_publish_message_group_id).

/** A published message, once: its id, time and (FIFO) sequence number. */
export interface Published {
  messageId: string;
  timestamp: string;
  sequenceNumber: string | undefined;
  prepared: PreparedMessage;
}

/** What rendering needs: the region and the envelope's URLs and signer. */
export interface RenderContext extends EnvelopeContext {
  region: string;
}

const USER_AGENT = 'Amazon Simple Notification Service Agent';

/** The delivery of a published message to one confirmed subscription. */
export function renderDelivery(ctx: RenderContext, topic: Topic, subscription: Subscription, published: Published): Delivery {
  const raw = subscription.attributes.RawMessageDelivery === 'true';
  const input = notificationInput(ctx, topic, subscription, published);
  const subscriptionArnValue = input.subscriptionArn;
  const deadLetterArn = readDeadLetterArn(subscription);
  const deadLetter = deadLetterArn === undefined ? undefined : queueMessage(ctx, deadLetterArn, raw, input, published);
  const common = { subscriptionArn: subscriptionArnValue, ...(deadLetter ? { deadLetter } : {}) };
  switch (subscription.protocol) {
    case 'sqs':
      return { kind: 'sqs', message: queueMessage(ctx, subscription.endpoint, raw, input, published), ...common };
    case 'lambda':
      return { kind: 'lambda', functionArn: subscription.endpoint, event: renderLambdaEvent(input, ctx), ...common };
    default: {
      const { retry, contentType } = effectiveHttpPolicy(readDeliveryPolicy(topic.attributes), subscriptionDeliveryPolicy(subscription.attributes));
      const headers: Record<string, string> = {
        'content-type': contentType,
        'user-agent': USER_AGENT,
        'x-amz-sns-message-type': 'Notification',
        'x-amz-sns-message-id': published.messageId,
        'x-amz-sns-topic-arn': input.topicArn,
        'x-amz-sns-subscription-arn': subscriptionArnValue,
        ...(raw ? { 'x-amz-sns-rawdelivery': 'true' } : {}),
      };
      return { kind: 'http', url: subscription.endpoint, headers, body: raw ? input.message : renderNotification(input, ctx), retry, ...common };
    }
  }
}

/** A SubscriptionConfirmation or UnsubscribeConfirmation to an HTTP/S subscription, with a token of the subscription's. */
export function renderConfirmationDelivery(
  ctx: RenderContext,
  topic: Topic,
  subscription: Subscription,
  type: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation',
  token: string,
  nowMs: number,
): Delivery {
  const messageId = randomUUID();
  const arn = topicArn(ctx.region, topic.name);
  const subArn = subscriptionArn(ctx.region, topic.name, subscription.id);
  const { retry, contentType } = effectiveHttpPolicy(readDeliveryPolicy(topic.attributes), subscriptionDeliveryPolicy(subscription.attributes));
  const body = renderConfirmation(
    { type, topicArn: arn, subscriptionArn: subArn, messageId, token, timestamp: new Date(nowMs).toISOString(), signatureVersion: signatureVersionOf(topic) },
    ctx,
  );
  const headers: Record<string, string> = {
    'content-type': contentType,
    'user-agent': USER_AGENT,
    'x-amz-sns-message-type': type,
    'x-amz-sns-message-id': messageId,
    'x-amz-sns-topic-arn': arn,
    ...(type === 'UnsubscribeConfirmation' ? { 'x-amz-sns-subscription-arn': subArn } : {}),
  };
  return { kind: 'http', url: subscription.endpoint, headers, body, retry, subscriptionArn: subArn };
}

function notificationInput(ctx: RenderContext, topic: Topic, subscription: Subscription, published: Published): NotificationInput {
  const { prepared } = published;
  const protocol = subscription.protocol;
  return {
    topicArn: topicArn(ctx.region, topic.name),
    subscriptionArn: subscriptionArn(ctx.region, topic.name, subscription.id),
    messageId: published.messageId,
    message: prepared.perProtocol ? (prepared.perProtocol[protocol] ?? prepared.perProtocol.default!) : prepared.message,
    subject: prepared.subject,
    timestamp: published.timestamp,
    attributes: prepared.attributes,
    sequenceNumber: published.sequenceNumber,
    signatureVersion: signatureVersionOf(topic),
  };
}

/** The message a queue receives: raw (attributes as SQS message attributes) or the Notification document. */
function queueMessage(ctx: RenderContext, queueArn: string, raw: boolean, input: NotificationInput, published: Published): QueueMessage {
  const fifoQueue = isFifoName(readQueueArn(queueArn)?.name ?? '');
  const { groupId, dedupKey } = published.prepared;
  const hasAttributes = Object.keys(input.attributes).length > 0;
  return {
    queueArn,
    body: raw ? input.message : renderNotification(input, ctx),
    ...(raw && hasAttributes ? { attributes: { ...input.attributes } } : {}),
    ...(groupId !== undefined ? { groupId } : {}),
    ...(fifoQueue && dedupKey !== undefined ? { dedupId: dedupKey } : {}),
  };
}

function readDeadLetterArn(subscription: Subscription): string | undefined {
  const text = subscription.attributes.RedrivePolicy;
  if (text === undefined) return undefined;
  const parsed: unknown = JSON.parse(text);
  const arn = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).deadLetterTargetArn : undefined;
  return typeof arn === 'string' ? arn : undefined;
}

/** The topic's SignatureVersion: 1 (SHA1withRSA) unless set to 2. */
export function signatureVersionOf(topic: Topic): '1' | '2' {
  return topic.attributes.SignatureVersion === '2' ? '2' : '1';
}
