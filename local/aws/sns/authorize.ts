import { LOCAL_ACCOUNT_ID } from '../iam/policy.js';
import type { Principal } from '../iam/principal.js';
import { authorizationError } from './errors.js';
import { topicArn } from './names.js';

/** An IAM action and the resource ARN it acts on. */
type Permission = readonly [action: string, resource: string];

// What each operation needs ("Actions defined by Amazon SNS", Service Authorization Reference,
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html): the
// topic operations `sns:<Operation>` on the topic's ARN (PublishBatch needs sns:Publish; there is
// no action of its own); CreateTopic on the ARN the topic would have, and sns:TagResource too when
// it tags ("you must have the sns:CreateTopic and sns:TagResource permissions", API_CreateTopic,
// Tags); the subscription operations, which have no resource type, on the subscription's ARN
// (matched by `*` and by patterns of its topic); ListTopics and ListSubscriptions on every topic
// of the account and region (`arn:aws:sns:REGION:000000000000:*`, the resource AWS names in their denials).
const TOPIC_ACTIONS: Readonly<Record<string, string>> = {
  DeleteTopic: 'sns:DeleteTopic',
  GetTopicAttributes: 'sns:GetTopicAttributes',
  SetTopicAttributes: 'sns:SetTopicAttributes',
  Subscribe: 'sns:Subscribe',
  ConfirmSubscription: 'sns:ConfirmSubscription',
  ListSubscriptionsByTopic: 'sns:ListSubscriptionsByTopic',
  Publish: 'sns:Publish',
  PublishBatch: 'sns:Publish',
};
const TAG_ACTIONS: Readonly<Record<string, string>> = {
  TagResource: 'sns:TagResource',
  UntagResource: 'sns:UntagResource',
  ListTagsForResource: 'sns:ListTagsForResource',
};
const SUBSCRIPTION_ACTIONS: Readonly<Record<string, string>> = {
  Unsubscribe: 'sns:Unsubscribe',
  GetSubscriptionAttributes: 'sns:GetSubscriptionAttributes',
  SetSubscriptionAttributes: 'sns:SetSubscriptionAttributes',
};

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The permissions an SNS request needs; empty when the request names no resource (its validation
 * refuses it next) or the operation is unknown.
 */
export function requiredPermissions(operation: string, params: Record<string, unknown>, region: string): Permission[] {
  if (operation === 'ListTopics' || operation === 'ListSubscriptions') return [[`sns:${operation}`, topicArn(region, '*')]];
  if (operation === 'CreateTopic') {
    const name = textOf(params.Name);
    if (name === undefined) return [];
    const arn = topicArn(region, name);
    const tags = params.Tags;
    return Array.isArray(tags) && tags.length > 0 ? [['sns:CreateTopic', arn], ['sns:TagResource', arn]] : [['sns:CreateTopic', arn]];
  }
  const topicAction = TOPIC_ACTIONS[operation];
  if (topicAction !== undefined) {
    const arn = textOf(params.TopicArn) ?? (operation === 'Publish' ? textOf(params.TargetArn) : undefined);
    return arn === undefined ? [] : [[topicAction, arn]];
  }
  const tagAction = TAG_ACTIONS[operation];
  if (tagAction !== undefined) {
    const arn = textOf(params.ResourceArn);
    return arn === undefined ? [] : [[tagAction, arn]];
  }
  const subscriptionAction = SUBSCRIPTION_ACTIONS[operation];
  const arn = textOf(params.SubscriptionArn);
  return subscriptionAction === undefined || arn === undefined ? [] : [[subscriptionAction, arn]];
}

/** Refuses a request its caller's policies do not allow (403 AuthorizationError, SNS's wording). */
export function authorizeSns(principal: Principal, region: string, operation: string, params: Record<string, unknown>): void {
  for (const [action, resource] of requiredPermissions(operation, params, region)) {
    const denial = principal.authorize(action, resource);
    if (denial) throw authorizationError(denial);
  }
}

/** SubscriptionPrincipal of a subscription a caller makes: the role session, or the account root for the account's own keys. */
export function principalArnOf(principal: Principal | null): string {
  return principal?.arn ?? `arn:aws:iam::${LOCAL_ACCOUNT_ID}:root`;
}
