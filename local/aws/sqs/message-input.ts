import { createHash } from 'node:crypto';
import { invalidParameter, missingParameter, sqsError } from './errors.js';
import { isBinaryType, md5OfAttributes, md5OfBody, type MessageAttribute } from './md5.js';
import type { AttributeValueInput } from './params.js';
import type { QueueSettings } from './queue-attributes.js';

/** The members of one message to send, as any caller gives them. */
export interface MessageInput {
  MessageBody?: string | undefined;
  DelaySeconds?: number | undefined;
  MessageAttributes?: Record<string, AttributeValueInput> | undefined;
  MessageSystemAttributes?: Record<string, AttributeValueInput> | undefined;
  MessageDeduplicationId?: string | undefined;
  MessageGroupId?: string | undefined;
}

/** A message that passed every check of its queue, ready to store. */
export interface PreparedMessage {
  body: string;
  md5Body: string;
  attributes: Record<string, MessageAttribute> | null;
  md5Attributes: string | undefined;
  system: Record<string, string> | null;
  md5System: string | undefined;
  delaySeconds: number;
  groupId: string | null;
  dedupId: string | null;
}

// Limits and wording from API_SendMessage and "Amazon SQS message quotas" (at most 10 attributes;
// the body's allowed characters; names of up to 256 characters of A-Za-z0-9_-. that do not start
// with AWS./Amazon. nor start, end or repeat a period), and recorded AWS answers (localstack
// tests/aws/services/sqs/test_sqs.snapshot.json).
// eslint-disable-next-line no-control-regex -- tab, line feed and carriage return are the control characters SQS allows
const BODY_CHARACTERS = /^[\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]*$/u;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const FIFO_ID = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]{1,128}$/;
const MAX_ATTRIBUTES = 10;

/** Checks one message against its queue's rules and prepares it, or throws the error SQS sends. */
export function prepareMessage(input: MessageInput, settings: QueueSettings): PreparedMessage {
  const body = input.MessageBody;
  if (body === undefined || body === '') throw missingParameter('MessageBody');
  if (!BODY_CHARACTERS.test(body)) {
    throw sqsError(
      'InvalidMessageContents',
      'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
    );
  }
  const attributes = readMessageAttributes(input.MessageAttributes ?? {});
  const system = readSystemAttributes(input.MessageSystemAttributes ?? {});
  const size = messageSize(input);
  if (size > settings.maximumMessageSize) {
    throw sqsError('InvalidParameterValue', `One or more parameters are invalid. Reason: Message must be shorter than ${settings.maximumMessageSize} bytes.`);
  }
  return {
    body,
    md5Body: md5OfBody(body),
    attributes,
    md5Attributes: attributes ? md5OfAttributes(attributes) : undefined,
    system: system ? { AWSTraceHeader: system.AWSTraceHeader!.StringValue! } : null,
    md5System: system ? md5OfAttributes(system) : undefined,
    delaySeconds: readDelay(input.DelaySeconds, settings),
    groupId: readGroupId(input.MessageGroupId, settings),
    dedupId: readDeduplicationId(input.MessageDeduplicationId, body, settings),
  };
}

function readDelay(delay: number | undefined, settings: QueueSettings): number {
  if (delay === undefined) return settings.delaySeconds;
  if (settings.fifo && delay !== 0) {
    throw invalidParameter('DelaySeconds', delay, 'The request include parameter that is not valid for this queue type.');
  }
  if (delay < 0 || delay > 900) throw invalidParameter('DelaySeconds', delay, 'DelaySeconds must be >= 0 and <= 900.');
  return delay;
}

function readGroupId(groupId: string | undefined, settings: QueueSettings): string | null {
  if (groupId === undefined) {
    if (settings.fifo) throw missingParameter('MessageGroupId');
    return null;
  }
  if (!FIFO_ID.test(groupId)) {
    throw invalidParameter('MessageGroupId', groupId, 'MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.');
  }
  return groupId;
}

function readDeduplicationId(dedupId: string | undefined, body: string, settings: QueueSettings): string | null {
  if (!settings.fifo) {
    if (dedupId !== undefined) {
      throw invalidParameter('MessageDeduplicationId', dedupId, 'The request includes a parameter that is not valid for this queue type.');
    }
    return null;
  }
  if (dedupId !== undefined) {
    if (!FIFO_ID.test(dedupId)) {
      throw invalidParameter(
        'MessageDeduplicationId',
        dedupId,
        'MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.',
      );
    }
    return dedupId;
  }
  if (!settings.contentBasedDeduplication) {
    throw sqsError('InvalidParameterValue', 'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
  }
  // Content-based deduplication: "a SHA-256 hash … using the body of the message (but not the attributes)".
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

function readMessageAttributes(given: Record<string, AttributeValueInput>): Record<string, MessageAttribute> | null {
  const names = Object.keys(given);
  if (names.length === 0) return null;
  if (names.length > MAX_ATTRIBUTES) {
    throw sqsError('InvalidParameterValue', `Number of message attributes [${names.length}] exceeds the allowed maximum [${MAX_ATTRIBUTES}].`);
  }
  const out: Record<string, MessageAttribute> = {};
  for (const name of names) {
    checkAttributeName(name);
    out[name] = readAttributeValue(name, given[name]!, 'user');
  }
  return out;
}

function checkAttributeName(name: string): void {
  const lower = name.toLowerCase();
  const valid =
    ATTRIBUTE_NAME.test(name) && !lower.startsWith('aws.') && !lower.startsWith('amazon.') && !name.startsWith('.') && !name.endsWith('.') && !name.includes('..');
  if (!valid) {
    throw sqsError(
      'InvalidParameterValue',
      `Message (user) attribute name ${name} is invalid. Reason: Expected up to 256 characters of A-Z, a-z, 0-9, _, - and ., not starting with AWS. or Amazon., without leading, trailing or repeated periods.`,
    );
  }
}

function readAttributeValue(name: string, value: AttributeValueInput, kind: 'user' | 'system'): MessageAttribute {
  const dataType = value.DataType ?? '';
  if (dataType === '') throw sqsError('InvalidParameterValue', `Message (${kind}) attribute '${name}' must contain a non-empty message attribute type.`);
  if (!/^(String|Number|Binary)(\..{1,250})?$/.test(dataType) || dataType.length > 256) {
    throw sqsError(
      'InvalidParameterValue',
      `Message (${kind}) attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
    );
  }
  if (isBinaryType(dataType)) {
    if (value.BinaryValue === undefined || value.BinaryValue === '') {
      throw sqsError('InvalidParameterValue', `Message (${kind}) attribute '${name}' must contain a non-empty value of type 'Binary'.`);
    }
    return { DataType: dataType, BinaryValue: value.BinaryValue };
  }
  const base = dataType.startsWith('Number') ? 'Number' : 'String';
  if (value.StringValue === undefined || value.StringValue === '') {
    throw sqsError('InvalidParameterValue', `Message (${kind}) attribute '${name}' must contain a non-empty value of type '${base}'.`);
  }
  if (base === 'Number' && !/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(value.StringValue.trim())) {
    throw sqsError('InvalidParameterValue', `Can't cast the value of message (${kind}) attribute '${name}' to a number.`);
  }
  return { DataType: dataType, StringValue: value.StringValue };
}

// "Currently, the only supported message system attribute is AWSTraceHeader. Its type must be
// String" (API_SendMessage, MessageSystemAttributes).
function readSystemAttributes(given: Record<string, AttributeValueInput>): Record<string, MessageAttribute> | null {
  const names = Object.keys(given);
  if (names.length === 0) return null;
  for (const name of names) {
    if (name !== 'AWSTraceHeader') throw sqsError('InvalidParameterValue', `Message system attribute name '${name}' is invalid.`);
  }
  const value = readAttributeValue('AWSTraceHeader', given.AWSTraceHeader!, 'system');
  if (value.DataType !== 'String') throw sqsError('InvalidParameterValue', "Message system attribute 'AWSTraceHeader' must be of type 'String'.");
  return { AWSTraceHeader: value };
}

/** The bytes a message counts towards the size limits: its body and its attributes' names, data types and values. */
export function messageSize(input: Pick<MessageInput, 'MessageBody' | 'MessageAttributes'>): number {
  let size = Buffer.byteLength(input.MessageBody ?? '');
  for (const [name, attribute] of Object.entries(input.MessageAttributes ?? {})) {
    size += Buffer.byteLength(name) + Buffer.byteLength(attribute.DataType ?? '');
    size += attribute.BinaryValue !== undefined ? Buffer.from(attribute.BinaryValue, 'base64').length : Buffer.byteLength(attribute.StringValue ?? '');
  }
  return size;
}
