import { LOCAL_ACCOUNT_ID } from '../iam/policy.js';
import { effectiveTopicDeliveryPolicy, TopicDeliveryPolicy } from './delivery-policy.js';
import { invalidParameter } from './errors.js';

// Topic attributes (API_CreateTopic, API_SetTopicAttributes, API_GetTopicAttributes). Stored as
// the canonical strings set; GetTopicAttributes adds Owner, TopicArn, the default Policy,
// DisplayName "", the subscription counts and EffectiveDeliveryPolicy, and FifoTopic /
// ContentBasedDeduplication for FIFO topics only — the shapes AWS answers (recorded against AWS:
// localstack test_sns.snapshot.json, test_create_topic_with_attributes,
// test_topic_get_attributes_with_fifo_false).

/** A topic's attributes as stored: name → canonical value. */
export type TopicAttributes = Record<string, string>;

/** How an attribute is being set: in a CreateTopic map, or by SetTopicAttributes. */
export type AttributeContext = 'create' | 'set';

// The delivery-status logging attributes (sns-topic-attributes.html) are stored as given.
const FEEDBACK = ['Application', 'Firehose', 'HTTP', 'Lambda', 'SQS'].flatMap((protocol) => [
  `${protocol}SuccessFeedbackRoleArn`,
  `${protocol}SuccessFeedbackSampleRate`,
  `${protocol}FailureFeedbackRoleArn`,
]);
const STORED_AS_GIVEN = new Set([...FEEDBACK, 'KmsMasterKeyId', 'ArchivePolicy', 'FifoThroughputScope', 'DataProtectionPolicy']);

/** The values a topic has when they were not set: the attributes idempotent CreateTopic compares against. */
const IMPLICIT: Readonly<Record<string, string>> = { DisplayName: '', SignatureVersion: '1', TracingConfig: 'PassThrough', ContentBasedDeduplication: 'false' };

/**
 * Checks one attribute and returns its canonical value, or throws InvalidParameter: an unknown
 * name is "Invalid parameter: AttributeName" for SetTopicAttributes (recorded against AWS, e.g.
 * FifoTopic after creation) and "… Attributes Reason: Invalid attribute name: X" in a CreateTopic
 * map (SNS's wording for maps of attributes, recorded for CreatePlatformEndpoint).
 */
export function checkTopicAttribute(name: string, value: string, fifo: boolean, context: AttributeContext): string {
  const refuse = (reason: string) => invalidParameter(context === 'create' ? `Attributes Reason: ${reason}` : reason);
  switch (name) {
    case 'FifoTopic':
      if (context === 'set') throw invalidParameter('AttributeName');
      return readBoolean(name, value, refuse);
    case 'ContentBasedDeduplication': {
      const canonical = readBoolean(name, value, refuse);
      if (!fifo && canonical === 'true') throw refuse('Content-based deduplication can only be set for FIFO topics');
      return canonical;
    }
    case 'DisplayName':
      if (value.length > 100) throw refuse('DisplayName: must be at most 100 characters long');
      return value;
    case 'SignatureVersion':
      if (value !== '1' && value !== '2') throw refuse(`SignatureVersion: Invalid value [${value}]. Must be 1 or 2.`);
      return value;
    case 'TracingConfig':
      if (value !== 'PassThrough' && value !== 'Active') throw refuse(`TracingConfig: Invalid value [${value}]. Must be PassThrough or Active.`);
      if (fifo && value === 'Active') throw refuse('TracingConfig: Active tracing is only supported on standard topics');
      return value;
    case 'Policy':
      readJsonObject(name, value, refuse);
      return value;
    case 'DeliveryPolicy': {
      const parsed = TopicDeliveryPolicy.safeParse(readJsonObject(name, value, refuse));
      if (!parsed.success) throw refuse(`DeliveryPolicy: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
      return value;
    }
    default:
      if (STORED_AS_GIVEN.has(name)) return value;
      throw context === 'create' ? refuse(`Invalid attribute name: ${name}`) : invalidParameter('AttributeName');
  }
}

/** Checks the attributes of a CreateTopic and returns them canonical, with whether the topic is FIFO. FifoTopic=false is not stored (AWS does not keep it). */
export function readCreateAttributes(input: Readonly<Record<string, string>>): { attributes: TopicAttributes; fifo: boolean } {
  const fifoValue = input.FifoTopic;
  const fifo = fifoValue !== undefined && checkTopicAttribute('FifoTopic', fifoValue, false, 'create') === 'true';
  const attributes: TopicAttributes = {};
  for (const [name, value] of Object.entries(input)) {
    const canonical = checkTopicAttribute(name, value, fifo, 'create');
    if (name === 'FifoTopic' && canonical === 'false') continue;
    attributes[name] = canonical;
  }
  if (fifo) attributes.ContentBasedDeduplication ??= 'false';
  return { attributes, fifo };
}

/** Whether a CreateTopic of an existing topic asks for attributes other than the topic's (then AWS refuses it). */
export function differsFromExisting(existing: TopicAttributes, requested: TopicAttributes): boolean {
  return Object.entries(requested).some(([name, value]) => (existing[name] ?? IMPLICIT[name]) !== value);
}

/** The subscription counts GetTopicAttributes reports. */
export interface SubscriptionCounts {
  confirmed: number;
  pending: number;
  deleted: number;
}

/** The attributes GetTopicAttributes answers. */
export function renderTopicAttributes(arn: string, attributes: TopicAttributes, counts: SubscriptionCounts): Record<string, string> {
  const out: Record<string, string> = {
    Policy: attributes.Policy ?? defaultPolicy(arn),
    Owner: LOCAL_ACCOUNT_ID,
    SubscriptionsPending: String(counts.pending),
    TopicArn: arn,
    EffectiveDeliveryPolicy: effectiveTopicDeliveryPolicy(readDeliveryPolicy(attributes)),
    SubscriptionsConfirmed: String(counts.confirmed),
    DisplayName: attributes.DisplayName ?? '',
    SubscriptionsDeleted: String(counts.deleted),
  };
  for (const [name, value] of Object.entries(attributes)) if (name !== 'Policy' && name !== 'DisplayName') out[name] = value;
  return out;
}

/** A topic's DeliveryPolicy attribute, read (undefined when not set). */
export function readDeliveryPolicy(attributes: TopicAttributes): TopicDeliveryPolicy | undefined {
  const text = attributes.DeliveryPolicy;
  if (text === undefined || text === '') return undefined;
  const parsed = TopicDeliveryPolicy.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : undefined;
}

/** The access policy a topic has by default (what AWS answers for a new topic). */
function defaultPolicy(arn: string): string {
  return JSON.stringify({
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [
      {
        Sid: '__default_statement_ID',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: [
          'SNS:GetTopicAttributes',
          'SNS:SetTopicAttributes',
          'SNS:AddPermission',
          'SNS:RemovePermission',
          'SNS:DeleteTopic',
          'SNS:Subscribe',
          'SNS:ListSubscriptionsByTopic',
          'SNS:Publish',
        ],
        Resource: arn,
        Condition: { StringEquals: { 'AWS:SourceOwner': LOCAL_ACCOUNT_ID } },
      },
    ],
  });
}

function readBoolean(name: string, value: string, refuse: (reason: string) => Error): string {
  const lower = value.toLowerCase();
  if (lower !== 'true' && lower !== 'false') throw refuse(`${name}: Invalid value [${value}]. Must be true or false.`);
  return lower;
}

function readJsonObject(name: string, value: string, refuse: (reason: string) => Error): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw refuse(`${name}: failed to parse JSON. ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw refuse(`${name}: must be a JSON object`);
  return parsed;
}
