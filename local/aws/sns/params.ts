import { z } from 'zod';
import { snsError } from './errors.js';

/** A map member: `Name.entry.N.key/value` on the wire, or `Name=` for an empty map. */
function mapOf<T extends z.ZodType>(value: T) {
  return z.union([z.record(z.string(), value), z.literal('').transform((): Record<string, z.infer<T>> => ({}))]);
}

/** A string → string map (topic and subscription attributes). */
export const StringMap = mapOf(z.string());

/** A tag: the model requires both members (an empty value is allowed). */
export const Tag = z.object({ Key: z.string(), Value: z.string() });
export type Tag = z.infer<typeof Tag>;

/** A message attribute as Publish takes it (binary values in base64). */
export const MessageAttributeInput = z.object({
  DataType: z.string().optional(),
  StringValue: z.string().optional(),
  BinaryValue: z.string().optional(),
});
export type MessageAttributeInput = z.infer<typeof MessageAttributeInput>;

/** Message attributes by name. */
export const MessageAttributesInput = mapOf(MessageAttributeInput);

/** A list member: `Name.member.N` on the wire, or `Name=` for an empty list (as botocore sends one). */
function listOf<T extends z.ZodType>(item: T) {
  return z.union([z.array(item), z.literal('').transform((): Array<z.infer<T>> => [])]);
}

/** A boolean member: `true`/`false` on the wire (case-insensitive, as botocore and the SDK write them). */
const BooleanString = z
  .string()
  .regex(/^(true|false)$/i)
  .transform((value) => value.toLowerCase() === 'true');

/** The members one message of Publish or PublishBatch carries. */
const MessageMembers = {
  Message: z.string(),
  Subject: z.string().optional(),
  MessageStructure: z.string().optional(),
  MessageAttributes: MessageAttributesInput.optional(),
  MessageDeduplicationId: z.string().optional(),
  MessageGroupId: z.string().optional(),
};

/** The request schemas, by operation (members as the model names them: API reference, "Request Parameters"). */
export const Requests = {
  CreateTopic: z.object({ Name: z.string(), Attributes: StringMap.optional(), Tags: listOf(Tag).optional(), DataProtectionPolicy: z.string().optional() }),
  ListTopics: z.object({ NextToken: z.string().optional() }),
  GetTopicAttributes: z.object({ TopicArn: z.string() }),
  SetTopicAttributes: z.object({ TopicArn: z.string(), AttributeName: z.string(), AttributeValue: z.string().optional() }),
  DeleteTopic: z.object({ TopicArn: z.string() }),
  Subscribe: z.object({
    TopicArn: z.string(),
    Protocol: z.string(),
    Endpoint: z.string().optional(),
    Attributes: StringMap.optional(),
    ReturnSubscriptionArn: BooleanString.optional(),
  }),
  ConfirmSubscription: z.object({ TopicArn: z.string(), Token: z.string(), AuthenticateOnUnsubscribe: z.string().optional() }),
  Unsubscribe: z.object({ SubscriptionArn: z.string() }),
  ListSubscriptions: z.object({ NextToken: z.string().optional() }),
  ListSubscriptionsByTopic: z.object({ TopicArn: z.string(), NextToken: z.string().optional() }),
  GetSubscriptionAttributes: z.object({ SubscriptionArn: z.string() }),
  SetSubscriptionAttributes: z.object({ SubscriptionArn: z.string(), AttributeName: z.string(), AttributeValue: z.string().optional() }),
  Publish: z.object({ TopicArn: z.string().optional(), TargetArn: z.string().optional(), PhoneNumber: z.string().optional(), ...MessageMembers }),
  PublishBatch: z.object({
    TopicArn: z.string(),
    PublishBatchRequestEntries: listOf(z.object({ Id: z.string(), ...MessageMembers })),
  }),
  TagResource: z.object({ ResourceArn: z.string(), Tags: listOf(Tag) }),
  UntagResource: z.object({ ResourceArn: z.string(), TagKeys: listOf(z.string()) }),
  ListTagsForResource: z.object({ ResourceArn: z.string() }),
} as const;

/** The parsed parameters of an operation. */
export type RequestOf<K extends keyof typeof Requests> = z.infer<(typeof Requests)[K]>;

/**
 * Parses an operation's parameters, refusing what the service's request validation refuses: a
 * missing required member is `ValidationError` "1 validation error detected: Value null at
 * 'topicArn' failed to satisfy constraint: Member must not be null" (SNS's wording, recorded
 * against AWS: localstack test_sns.snapshot.json, test_empty_or_wrong_message_attributes).
 */
export function parseParams<K extends keyof typeof Requests>(operation: K, params: Record<string, unknown>): RequestOf<K> {
  const parsed = Requests[operation].safeParse(params);
  if (parsed.success) return parsed.data as RequestOf<K>;
  const issue = parsed.error.issues[0]!;
  const at = issue.path.map((part) => (typeof part === 'number' ? String(part + 1) : lowerFirst(String(part)))).join('.');
  const value = valueAt(params, issue.path);
  if (value === undefined) {
    throw snsError('ValidationError', `1 validation error detected: Value null at '${at}' failed to satisfy constraint: Member must not be null`);
  }
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  throw snsError('ValidationError', `1 validation error detected: Value '${shown.slice(0, 100)}' at '${at}' failed to satisfy constraint: ${issue.message}`);
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function valueAt(params: Record<string, unknown>, path: readonly PropertyKey[]): unknown {
  let node: unknown = params;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}
