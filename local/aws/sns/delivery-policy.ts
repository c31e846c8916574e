import { z } from 'zod';

// Delivery policies (https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html):
// HTTP/S deliveries are retried per the subscription's DeliveryPolicy (healthyRetryPolicy), else
// the topic's (`http.defaultHealthyRetryPolicy`), else SNS's default: 3 retries 20 s apart,
// linear ("numRetries 3, minDelayTarget 20, maxDelayTarget 20", the EffectiveDeliveryPolicy AWS
// answers, recorded in localstack test_sns.snapshot.json). Deliveries to AWS-managed endpoints
// (SQS, Lambda) use the fixed policy of the same page: 3 immediate attempts, 2 one second apart,
// 10 with exponential backoff from 1 to 20 s, then 100,000 twenty seconds apart (23 days).
// Phases of a policy: numNoDelayRetries without delay, numMinDelayRetries at minDelayTarget, the
// backoff phase (what is left of numRetries) from minDelayTarget to maxDelayTarget, then
// numMaxDelayRetries at maxDelayTarget. The page names the backoff functions but not their
// formulas: here linear and arithmetic rise linearly, geometric and exponential geometrically
// (min·(max/min)^f). SNS adds jitter; the local endpoint does not.

/** How a delivery is retried after a failed attempt; delays in seconds. */
export interface RetryPolicy {
  minDelayTarget: number;
  maxDelayTarget: number;
  numRetries: number;
  numNoDelayRetries: number;
  numMinDelayRetries: number;
  numMaxDelayRetries: number;
  backoffFunction: 'linear' | 'arithmetic' | 'geometric' | 'exponential';
}

/** SNS's default for HTTP/S endpoints. */
export const DEFAULT_HTTP_RETRY: RetryPolicy = {
  minDelayTarget: 20,
  maxDelayTarget: 20,
  numRetries: 3,
  numMaxDelayRetries: 0,
  numNoDelayRetries: 0,
  numMinDelayRetries: 0,
  backoffFunction: 'linear',
};

/** SNS's fixed policy for AWS-managed endpoints (SQS, Lambda): 100,015 attempts over 23 days. */
export const MANAGED_RETRY: RetryPolicy = {
  minDelayTarget: 1,
  maxDelayTarget: 20,
  numRetries: 100_014,
  numNoDelayRetries: 2,
  numMinDelayRetries: 2,
  numMaxDelayRetries: 100_000,
  backoffFunction: 'exponential',
};

/** The Content-Type of HTTP/S deliveries unless a request policy says otherwise (http-header.html). */
export const DEFAULT_CONTENT_TYPE = 'text/plain; charset=UTF-8';

const Whole = z.number().int();
const HealthyRetryPolicy = z
  .object({
    minDelayTarget: Whole.min(1).max(3600).optional(),
    maxDelayTarget: Whole.min(1).max(3600).optional(),
    numRetries: Whole.min(0).max(100).optional(),
    numNoDelayRetries: Whole.min(0).optional(),
    numMinDelayRetries: Whole.min(0).optional(),
    numMaxDelayRetries: Whole.min(0).optional(),
    backoffFunction: z.enum(['linear', 'arithmetic', 'geometric', 'exponential']).optional(),
  })
  .strict();
const ThrottlePolicy = z.object({ maxReceivesPerSecond: Whole.min(1).optional() }).strict();
// The content types SNS accepts in headerContentType (sns-message-delivery-retries.html, "HTTP/S delivery policy").
const RequestPolicy = z
  .object({
    headerContentType: z
      .enum(['application/json', 'application/xml', 'text/plain', 'text/plain; charset=UTF-8', 'application/json; charset=UTF-8', 'application/xml; charset=UTF-8'])
      .optional(),
  })
  .strict();

/** A topic's DeliveryPolicy attribute: HTTP/S defaults for its subscriptions. */
export const TopicDeliveryPolicy = z
  .object({
    http: z
      .object({
        defaultHealthyRetryPolicy: HealthyRetryPolicy.optional(),
        disableSubscriptionOverrides: z.boolean().optional(),
        defaultThrottlePolicy: ThrottlePolicy.optional(),
        defaultRequestPolicy: RequestPolicy.optional(),
      })
      .strict()
      .optional(),
  })
  .passthrough();
export type TopicDeliveryPolicy = z.infer<typeof TopicDeliveryPolicy>;

/** A subscription's DeliveryPolicy attribute (HTTP/S subscriptions). */
export const SubscriptionDeliveryPolicy = z
  .object({ healthyRetryPolicy: HealthyRetryPolicy.optional(), throttlePolicy: ThrottlePolicy.optional(), requestPolicy: RequestPolicy.optional() })
  .strict();
export type SubscriptionDeliveryPolicy = z.infer<typeof SubscriptionDeliveryPolicy>;

/** Completes a partial healthyRetryPolicy with the defaults and checks its phases; the reason it is refused, or the policy. */
export function completeRetryPolicy(partial: z.infer<typeof HealthyRetryPolicy> | undefined): RetryPolicy | string {
  const policy: RetryPolicy = { ...DEFAULT_HTTP_RETRY, ...(partial ?? {}) };
  if (policy.minDelayTarget > policy.maxDelayTarget) return 'minDelayTarget must be less than or equal to maxDelayTarget';
  if (policy.numNoDelayRetries + policy.numMinDelayRetries + policy.numMaxDelayRetries > policy.numRetries) {
    return 'numNoDelayRetries, numMinDelayRetries and numMaxDelayRetries must add up to at most numRetries';
  }
  let total = 0;
  for (let retry = 1; retry <= policy.numRetries; retry++) total += retryDelaySeconds(policy, retry) ?? 0;
  if (total > 3600) return `the policy retries for ${total} seconds; the total retry time may not exceed 3600 seconds`;
  return policy;
}

/** The HTTP/S retry policy and Content-Type in force for a subscription (its own policy unless the topic disables overrides). */
export function effectiveHttpPolicy(topic: TopicDeliveryPolicy | undefined, subscription: SubscriptionDeliveryPolicy | undefined): { retry: RetryPolicy; contentType: string } {
  const http = topic?.http;
  const own = http?.disableSubscriptionOverrides ? undefined : subscription;
  const retry = completeRetryPolicy(own?.healthyRetryPolicy ?? http?.defaultHealthyRetryPolicy);
  const contentType = own?.requestPolicy?.headerContentType ?? http?.defaultRequestPolicy?.headerContentType ?? DEFAULT_CONTENT_TYPE;
  return { retry: typeof retry === 'string' ? DEFAULT_HTTP_RETRY : retry, contentType };
}

/** The delay before retry number `retry` (1 = the first retry) in seconds, or undefined once the policy is exhausted. */
export function retryDelaySeconds(policy: RetryPolicy, retry: number): number | undefined {
  if (retry < 1 || retry > policy.numRetries) return undefined;
  if (retry <= policy.numNoDelayRetries) return 0;
  if (retry <= policy.numNoDelayRetries + policy.numMinDelayRetries) return policy.minDelayTarget;
  const backoff = policy.numRetries - policy.numNoDelayRetries - policy.numMinDelayRetries - policy.numMaxDelayRetries;
  const step = retry - policy.numNoDelayRetries - policy.numMinDelayRetries;
  if (step > backoff) return policy.maxDelayTarget;
  const fraction = backoff === 1 ? 1 : (step - 1) / (backoff - 1);
  const { minDelayTarget: min, maxDelayTarget: max } = policy;
  const delay = policy.backoffFunction === 'linear' || policy.backoffFunction === 'arithmetic' ? min + (max - min) * fraction : min * (max / min) ** fraction;
  return Math.round(delay * 1000) / 1000;
}

/** The EffectiveDeliveryPolicy GetTopicAttributes answers: the topic's HTTP/S policy over SNS's defaults. */
export function effectiveTopicDeliveryPolicy(topic: TopicDeliveryPolicy | undefined): string {
  const http = topic?.http;
  const retry = completeRetryPolicy(http?.defaultHealthyRetryPolicy);
  return JSON.stringify({
    http: {
      defaultHealthyRetryPolicy: typeof retry === 'string' ? DEFAULT_HTTP_RETRY : retry,
      disableSubscriptionOverrides: http?.disableSubscriptionOverrides ?? false,
      ...(http?.defaultThrottlePolicy ? { defaultThrottlePolicy: http.defaultThrottlePolicy } : {}),
      defaultRequestPolicy: { headerContentType: http?.defaultRequestPolicy?.headerContentType ?? DEFAULT_CONTENT_TYPE },
    },
  });
}
