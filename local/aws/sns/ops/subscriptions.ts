import { requireTopic, type Operation, type SnsContext } from '../context.js';
import { invalidParameter, snsError, subscriptionNotFound } from '../errors.js';
import { LOCAL_ACCOUNT_ID } from '../../iam/policy.js';
import { readSubscriptionArn, subscriptionArn, topicArn, topicNameFromArn } from '../names.js';
import { parseParams } from '../params.js';
import type { Subscription, Topic } from '../store/index.js';
import { applySubscriptionAttributes, effectiveSubscriptionDeliveryPolicy } from '../subscription-attributes.js';
import { readDeliveryPolicy } from '../topic-attributes.js';
import { pageOf } from './pages.js';
import { newToken, sendConfirmation } from './subscribe.js';

/** ListSubscriptions(ByTopic) answer up to 100 subscriptions a page (API_ListSubscriptions). */
const SUBSCRIPTIONS_PER_PAGE = 100;
/** "Confirmation tokens are valid for three days" (API_Subscribe). */
export const TOKEN_LIFETIME_MS = 3 * 86_400_000;

/**
 * ConfirmSubscription, signed or not (a GET of the SubscribeURL): a TopicArn that is not one of
 * this region is "Invalid parameter: Topic", a token of no subscription of the topic "Invalid
 * parameter: Token" (recorded against AWS: localstack test_sns.snapshot.json,
 * test_subscribe_external_http_endpoint, test_sns_confirm_subscription_wrong_token). Confirming
 * twice answers the same ARN. An UnsubscribeConfirmation's token restores the subscription.
 */
export const confirmSubscription: Operation = (ctx, params, caller) => {
  const request = parseParams('ConfirmSubscription', params);
  let name: string;
  try {
    name = topicNameFromArn(request.TopicArn, ctx.region);
  } catch {
    throw invalidParameter('Topic');
  }
  const subscription = ctx.store.findByToken(request.Token);
  if (!subscription || subscription.topic !== name) throw invalidParameter('Token');
  if (subscription.tokenMs === null || ctx.now() - subscription.tokenMs > TOKEN_LIFETIME_MS) throw snsError('InvalidParameter', 'Invalid token');
  const arn = subscriptionArn(ctx.region, name, subscription.id);
  if (subscription.state === 'confirmed') return { SubscriptionArn: arn };
  ctx.store.saveSubscription({
    ...subscription,
    state: 'confirmed',
    deletedMs: null,
    authenticated: caller.signed && request.AuthenticateOnUnsubscribe?.toLowerCase() === 'true',
  });
  return { SubscriptionArn: arn };
};

/**
 * Unsubscribe: idempotent (a subscription that does not exist is no error, recorded against AWS:
 * test_unsubscribe_from_non_existing_subscription). An unsigned one (a GET of the UnsubscribeURL)
 * is refused for a subscription confirmed with AuthenticateOnUnsubscribe. A confirmed HTTP/S
 * subscription is sent an UnsubscribeConfirmation whose SubscribeURL restores it (as AWS does:
 * recorded in test_subscribe_external_http_endpoint).
 */
export const unsubscribe: Operation = (ctx, params, caller) => {
  const request = parseParams('Unsubscribe', params);
  if (request.SubscriptionArn === '') throw invalidParameter('SubscriptionArn Reason: no value for required parameter');
  const found = findSubscription(ctx, request.SubscriptionArn);
  if (!found) return {};
  const { topic, subscription } = found;
  if (!caller.signed && subscription.authenticated) {
    throw snsError('AuthorizationError', 'The subscription was confirmed with AuthenticateOnUnsubscribe: unsubscribing it needs a signed request');
  }
  if (subscription.state === 'confirmed' && (subscription.protocol === 'http' || subscription.protocol === 'https')) {
    sendConfirmation(ctx, topic, { ...subscription, state: 'deleted', deletedMs: ctx.now(), token: newToken(), tokenMs: ctx.now() }, 'UnsubscribeConfirmation');
  } else {
    ctx.store.removeSubscription(subscription);
  }
  return {};
};

/** ListSubscriptions: every subscription of the account (pending ones as `PendingConfirmation`), 100 a page. */
export const listSubscriptions: Operation = (ctx, params) => {
  const request = parseParams('ListSubscriptions', params);
  return listPage(ctx, ctx.store.listTopics(), request.NextToken);
};

/** ListSubscriptionsByTopic. */
export const listSubscriptionsByTopic: Operation = (ctx, params) => {
  const request = parseParams('ListSubscriptionsByTopic', params);
  return listPage(ctx, [requireTopic(ctx, request.TopicArn)], request.NextToken);
};

function listPage(ctx: SnsContext, topics: readonly Topic[], token: string | undefined): Record<string, unknown> {
  const entries = topics
    .flatMap((topic) => [...topic.subscriptions.values()].filter((s) => s.state !== 'deleted').map((s) => ({ topic, subscription: s, arn: subscriptionArn(ctx.region, topic.name, s.id) })))
    .sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
  const page = pageOf(entries, token, SUBSCRIPTIONS_PER_PAGE, (entry) => entry.arn);
  const Subscriptions = page.items.map(({ topic, subscription, arn }) => ({
    SubscriptionArn: subscription.state === 'pending' ? 'PendingConfirmation' : arn,
    Owner: LOCAL_ACCOUNT_ID,
    Protocol: subscription.protocol,
    Endpoint: subscription.endpoint,
    TopicArn: topicArn(ctx.region, topic.name),
  }));
  return { Subscriptions, ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
}

/** GetSubscriptionAttributes (the shape recorded against AWS: test_create_subscriptions_with_attributes). */
export const getSubscriptionAttributes: Operation = (ctx, params) => {
  const request = parseParams('GetSubscriptionAttributes', params);
  const found = findSubscription(ctx, request.SubscriptionArn);
  if (!found) throw subscriptionNotFound();
  const { topic, subscription } = found;
  const http = subscription.protocol === 'http' || subscription.protocol === 'https';
  const attributes: Record<string, string> = {
    ConfirmationWasAuthenticated: String(subscription.authenticated),
    Endpoint: subscription.endpoint,
    Owner: LOCAL_ACCOUNT_ID,
    PendingConfirmation: String(subscription.state === 'pending'),
    Protocol: subscription.protocol,
    RawMessageDelivery: 'false',
    SubscriptionArn: subscriptionArn(ctx.region, topic.name, subscription.id),
    SubscriptionPrincipal: subscription.principal,
    TopicArn: topicArn(ctx.region, topic.name),
    ...subscription.attributes,
  };
  if (attributes.FilterPolicy !== undefined) attributes.FilterPolicyScope ??= 'MessageAttributes';
  if (http) attributes.EffectiveDeliveryPolicy = effectiveSubscriptionDeliveryPolicy(readDeliveryPolicy(topic.attributes), subscription.attributes);
  return { Attributes: attributes };
};

/** SetSubscriptionAttributes: one attribute (an empty FilterPolicy or RedrivePolicy removes it). */
export const setSubscriptionAttributes: Operation = (ctx, params) => {
  const request = parseParams('SetSubscriptionAttributes', params);
  const found = findSubscription(ctx, request.SubscriptionArn);
  if (!found) throw subscriptionNotFound();
  const { topic, subscription } = found;
  const attributes = applySubscriptionAttributes(
    subscription.attributes,
    { [request.AttributeName]: request.AttributeValue ?? '' },
    { protocol: subscription.protocol, topicFifo: topic.fifo },
    'set',
  );
  ctx.store.saveSubscription({ ...subscription, attributes });
  return {};
};

/** The live (not unsubscribed) subscription a SubscriptionArn names, with its topic. */
function findSubscription(ctx: SnsContext, arn: string): { topic: Topic; subscription: Subscription } | undefined {
  const ref = readSubscriptionArn(arn, ctx.region);
  const topic = ref ? ctx.store.findTopic(ref.topic) : undefined;
  const subscription = ref ? topic?.subscriptions.get(ref.id) : undefined;
  if (!topic || !subscription || subscription.state === 'deleted') return undefined;
  return { topic, subscription };
}
