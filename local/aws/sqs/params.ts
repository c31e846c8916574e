import { z } from 'zod';
import { missingParameter, sqsError } from './errors.js';

/** A message attribute as it comes on the wire (either protocol; binary values in base64). */
export const AttributeValueInput = z.object({
  DataType: z.string().optional(),
  StringValue: z.string().optional(),
  BinaryValue: z.string().optional(),
  StringListValues: z.array(z.string()).optional(),
  BinaryListValues: z.array(z.string()).optional(),
});
export type AttributeValueInput = z.infer<typeof AttributeValueInput>;

/** Message attributes by name. */
export const AttributeMapInput = z.record(z.string(), AttributeValueInput);

/** A string→string map (queue attributes, tags). */
export const StringMapInput = z.record(z.string(), z.string());

/** A list of strings (attribute names). */
export const StringListInput = z.array(z.string());

/** The members every message-sending call shares (SendMessage, a SendMessageBatch entry, the internal deliver). */
export const MessageFields = {
  MessageBody: z.string().optional(),
  DelaySeconds: z.number().int().optional(),
  MessageAttributes: AttributeMapInput.optional(),
  MessageSystemAttributes: AttributeMapInput.optional(),
  MessageDeduplicationId: z.string().optional(),
  MessageGroupId: z.string().optional(),
};

/**
 * Parses an operation's parameters against its schema, refusing what SQS refuses: a missing
 * required member is MissingParameter ("The request must contain the parameter X."), a member of
 * the wrong type InvalidParameterValue ("Value V for parameter X is invalid. Reason: …").
 */
export function parseParams<T extends z.ZodType>(schema: T, params: Record<string, unknown>): z.infer<T> {
  const parsed = schema.safeParse(params);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.map(String);
  const value = valueAt(params, issue.path);
  if (value === undefined) throw missingParameter(path.join('.'));
  const shown = typeof value === 'object' ? JSON.stringify(value) : String(value);
  throw sqsError('InvalidParameterValue', `Value ${shown} for parameter ${path.join('.')} is invalid. Reason: ${issue.message}.`);
}

function valueAt(params: Record<string, unknown>, path: readonly PropertyKey[]): unknown {
  let node: unknown = params;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** A required string member that must not be empty (SQS refuses `QueueName=` as missing). */
export const RequiredString = z.string().min(1);
