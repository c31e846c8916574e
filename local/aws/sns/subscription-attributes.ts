import { completeRetryPolicy, effectiveHttpPolicy, SubscriptionDeliveryPolicy, type TopicDeliveryPolicy } from './delivery-policy.js';
import { invalidParameter } from './errors.js';
import { FilterPolicyError, parseFilterPolicy, type FilterPolicy } from './filter/policy.js';
import { isFifoName, readQueueArn } from './names.js';

// Subscription attributes (API_Subscribe, API_SetSubscriptionAttributes): RawMessageDelivery,
// FilterPolicy, FilterPolicyScope, RedrivePolicy, DeliveryPolicy (HTTP/S), SubscriptionRoleArn
// (Firehose, stored). A refusal reads "Invalid parameter: <reason>" from SetSubscriptionAttributes
// and "Invalid parameter: Attributes Reason: <reason>" from Subscribe, e.g. "RawMessageDelivery:
// Invalid value [x]. Must be true or false." (recorded against AWS: localstack
// test_sns.snapshot.json, test_validate_set_sub_attributes, test_create_subscriptions_with_attributes,
// and test_sns_filter_policy.snapshot.json).

/** A subscription's settable attributes as stored: name → canonical value. */
export type SubscriptionAttributes = Record<string, string>;

/** What the attributes are checked against: the subscription's protocol and endpoint, and its topic's type. */
export interface SubscriptionTarget {
  protocol: string;
  topicFifo: boolean;
}

/** How attributes are being set: in Subscribe's map, or by SetSubscriptionAttributes. */
export type SubscriptionContext = 'subscribe' | 'set';

const RAW_PROTOCOLS = new Set(['sqs', 'http', 'https', 'firehose']);
const NESTED_REFUSAL = 'Filter policy scope MessageAttributes does not support nested filter policy';

/**
 * Applies attributes to a subscription's current ones and returns the result, or throws the
 * InvalidParameter SNS answers. An empty FilterPolicy or RedrivePolicy removes it.
 */
export function applySubscriptionAttributes(
  current: SubscriptionAttributes,
  changes: Readonly<Record<string, string>>,
  target: SubscriptionTarget,
  context: SubscriptionContext,
): SubscriptionAttributes {
  const refuse = (reason: string) => invalidParameter(context === 'subscribe' ? `Attributes Reason: ${reason}` : reason);
  const next: SubscriptionAttributes = { ...current };
  for (const [name, value] of Object.entries(changes)) {
    const canonical = checkAttribute(name, value, target, refuse, context);
    if (canonical === undefined) delete next[name];
    else next[name] = canonical;
  }
  const policy = next.FilterPolicy;
  if (policy !== undefined && (next.FilterPolicyScope ?? 'MessageAttributes') === 'MessageAttributes' && parseFilterPolicy(policy).nested) {
    throw invalidParameter(NESTED_REFUSAL);
  }
  return next;
}

function checkAttribute(
  name: string,
  value: string,
  target: SubscriptionTarget,
  refuse: (reason: string) => Error,
  context: SubscriptionContext,
): string | undefined {
  switch (name) {
    case 'RawMessageDelivery': {
      const lower = value.toLowerCase();
      if (lower !== 'true' && lower !== 'false') throw refuse(`RawMessageDelivery: Invalid value [${value}]. Must be true or false.`);
      if (lower === 'true' && !RAW_PROTOCOLS.has(target.protocol)) throw refuse(`Delivery protocol [${target.protocol}] does not support raw message delivery.`);
      return lower;
    }
    case 'FilterPolicy':
      if (value === '') return undefined;
      try {
        parseFilterPolicy(value);
      } catch (error) {
        if (error instanceof FilterPolicyError) throw refuse(error.message);
        throw error;
      }
      return value;
    case 'FilterPolicyScope':
      if (value !== 'MessageAttributes' && value !== 'MessageBody') {
        throw refuse(`FilterPolicyScope: Invalid value [${value}]. Please use either MessageBody or MessageAttributes`);
      }
      return value;
    case 'RedrivePolicy':
      return value === '' ? undefined : checkRedrivePolicy(value, target, refuse);
    case 'DeliveryPolicy':
      return checkDeliveryPolicy(value, target, refuse);
    case 'SubscriptionRoleArn':
      return value;
    default:
      throw context === 'subscribe' ? refuse(`Invalid attribute name: ${name}`) : invalidParameter('AttributeName');
  }
}

function checkRedrivePolicy(value: string, target: SubscriptionTarget, refuse: (reason: string) => Error): string {
  const parsed = parseJson('RedrivePolicy', value, refuse);
  const arn = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).deadLetterTargetArn : undefined;
  const queue = typeof arn === 'string' ? readQueueArn(arn) : undefined;
  if (!queue) throw refuse('RedrivePolicy: deadLetterTargetArn is an invalid arn');
  if (target.topicFifo && !isFifoName(queue.name)) throw refuse('RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.');
  if (!target.topicFifo && isFifoName(queue.name)) throw refuse('RedrivePolicy: must use a standard queue as DLQ for a standard subscription.');
  return value;
}

function checkDeliveryPolicy(value: string, target: SubscriptionTarget, refuse: (reason: string) => Error): string {
  if (target.protocol !== 'http' && target.protocol !== 'https') throw refuse(`DeliveryPolicy: Delivery protocol [${target.protocol}] does not support delivery policies.`);
  const parsed = SubscriptionDeliveryPolicy.safeParse(parseJson('DeliveryPolicy', value, refuse));
  if (!parsed.success) throw refuse(`DeliveryPolicy: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
  const complete = completeRetryPolicy(parsed.data.healthyRetryPolicy);
  if (typeof complete === 'string') throw refuse(`DeliveryPolicy: ${complete}`);
  return value;
}

function parseJson(name: string, value: string, refuse: (reason: string) => Error): unknown {
  try {
    return JSON.parse(value);
  } catch (error) {
    throw refuse(`${name}: failed to parse JSON. ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Whether a Subscribe's attributes differ from an existing subscription's (then AWS refuses it: "Subscription already exists with different attributes"). */
export function differsFromSubscription(existing: SubscriptionAttributes, requested: SubscriptionAttributes): boolean {
  return Object.entries(requested).some(([name, value]) => (existing[name] ?? (name === 'RawMessageDelivery' ? 'false' : undefined)) !== value);
}

/** Compiled filter policies by their text (a publish evaluates each subscription's; they were checked when set). */
const compiled = new Map<string, FilterPolicy>();
const MAX_COMPILED = 1000;

/** A subscription's compiled filter policy and its scope, or undefined when it has none. */
export function filterOf(attributes: SubscriptionAttributes): { policy: FilterPolicy; scope: 'MessageAttributes' | 'MessageBody' } | undefined {
  const text = attributes.FilterPolicy;
  if (text === undefined) return undefined;
  let policy = compiled.get(text);
  if (!policy) {
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    policy = parseFilterPolicy(text);
    compiled.set(text, policy);
  }
  return { policy, scope: attributes.FilterPolicyScope === 'MessageBody' ? 'MessageBody' : 'MessageAttributes' };
}

/** A subscription's DeliveryPolicy attribute, read. */
export function subscriptionDeliveryPolicy(attributes: SubscriptionAttributes): SubscriptionDeliveryPolicy | undefined {
  const text = attributes.DeliveryPolicy;
  if (text === undefined) return undefined;
  const parsed = SubscriptionDeliveryPolicy.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : undefined;
}

/** The HTTP/S EffectiveDeliveryPolicy GetSubscriptionAttributes answers for an HTTP/S subscription. */
export function effectiveSubscriptionDeliveryPolicy(topic: TopicDeliveryPolicy | undefined, attributes: SubscriptionAttributes): string {
  const own = subscriptionDeliveryPolicy(attributes);
  const { retry, contentType } = effectiveHttpPolicy(topic, own);
  return JSON.stringify({
    healthyRetryPolicy: retry,
    ...(own?.throttlePolicy ? { throttlePolicy: own.throttlePolicy } : {}),
    requestPolicy: { headerContentType: contentType },
    guaranteed: false,
  });
}
