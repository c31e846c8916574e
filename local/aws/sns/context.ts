import type { DeliveryTargets } from './delivery/attempt.js';
import type { Outbox } from './delivery/outbox.js';
import type { RenderContext } from './delivery/render.js';
import { topicNotFound } from './errors.js';
import { topicNameFromArn } from './names.js';
import type { Signer } from './signing/signer.js';
import type { SnsStore, Topic } from './store/index.js';

/** What every operation works with. */
export interface SnsContext {
  store: SnsStore;
  region: string;
  /** The endpoint's base URL (known once it listens), for SubscribeURL, UnsubscribeURL and SigningCertURL. */
  endpointUrl: () => string;
  /** Milliseconds since the epoch; injectable so that tests can move time. */
  now: () => number;
  signer: Signer;
  outbox: Outbox;
  targets: DeliveryTargets;
  logError: (message: string, error: unknown) => void;
  /** The next FIFO sequence number: increasing, 20 digits or more. */
  nextSequenceNumber: () => string;
}

/** Who calls: the principal's ARN (SubscriptionPrincipal) and whether the request was signed. */
export interface CallerInfo {
  principalArn: string;
  signed: boolean;
}

/** The JSON-shaped result of an operation. */
export type Result = Record<string, unknown>;

/** One operation: parameters in, result out. */
export type Operation = (ctx: SnsContext, params: Record<string, unknown>, caller: CallerInfo) => Result | Promise<Result>;

/** The topic a TopicArn names, or NotFound / InvalidParameter as SNS answers. */
export function requireTopic(ctx: SnsContext, arn: string, parameter = 'TopicArn'): Topic {
  const topic = ctx.store.findTopic(topicNameFromArn(arn, ctx.region, parameter));
  if (!topic) throw topicNotFound();
  return topic;
}

/** The context rendering deliveries needs. */
export function renderContextOf(ctx: SnsContext): RenderContext {
  return { region: ctx.region, endpointUrl: ctx.endpointUrl(), signer: ctx.signer };
}
