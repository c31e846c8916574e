import { createHash } from 'node:crypto';
import { invalidParameter, invalidParameterValue, snsError } from './errors.js';
import type { PublishedAttribute } from './filter/match.js';
import type { MessageAttributeInput } from './params.js';

// The checks of one published message (API_Publish, API_PublishBatch, "Amazon SNS message
// attributes" sns-message-attributes.html), in the order and words AWS answers them (recorded
// against AWS: localstack tests/aws/services/sns/test_sns.snapshot.json — test_publish_with_empty_subject,
// test_empty_sns_message, test_publish_too_long_message, test_empty_or_wrong_message_attributes,
// test_validations_for_fifo, test_message_structure_json_exc).

/** The members of one message, as Publish or a PublishBatch entry gives them. */
export interface MessageInput {
  Message: string;
  Subject?: string | undefined;
  MessageStructure?: string | undefined;
  MessageAttributes?: Record<string, MessageAttributeInput> | undefined;
  MessageDeduplicationId?: string | undefined;
  MessageGroupId?: string | undefined;
}

/** A message that passed every check, ready to fan out. */
export interface PreparedMessage {
  message: string;
  /** MessageStructure=json: the message per protocol (with `default`). */
  perProtocol: Record<string, string> | undefined;
  subject: string | undefined;
  attributes: Record<string, PublishedAttribute>;
  groupId: string | undefined;
  /** FIFO topics: the deduplication key (the id given, or the SHA-256 of the message). */
  dedupKey: string | undefined;
  /** Bytes of the message and its attributes (names, types, values). */
  size: number;
}

/** What the checks need to know of the topic. */
export interface TopicRules {
  fifo: boolean;
  contentBasedDeduplication: boolean;
}

/** At most 256 KB (262,144 bytes) of message and attributes (API_Publish, Message: "Constraints"). */
export const MAX_MESSAGE_BYTES = 262_144;
// "With the exception of SMS, messages must be UTF-8 encoded strings" of the XML character set (SNS FAQ, "What are the limits").
// eslint-disable-next-line no-control-regex -- tab, line feed and carriage return are the control characters SNS allows
const MESSAGE_CHARACTERS = /^[\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]*$/u;
// Subjects: "ASCII text that begins with a letter, number, or punctuation mark; must not include line breaks or control characters; and must be less than 100 characters long."
const SUBJECT = /^[!-~][ -~]{0,98}$/;
const FIFO_ID = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]{1,128}$/;
const ATTRIBUTE_NAME_CHARACTER = /[A-Za-z0-9_.-]/;
const DATA_TYPE = /^(String|Number|Binary)(\..+)?$/;
const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/** Checks one message against its topic's rules; `position` (1-based) names a PublishBatch entry in the errors. */
export function prepareMessage(input: MessageInput, topic: TopicRules, position?: number): PreparedMessage {
  if (input.Subject !== undefined && !SUBJECT.test(input.Subject)) throw invalidParameter('Subject');
  if (input.Message === '') throw invalidParameter('Empty message');
  if (!MESSAGE_CHARACTERS.test(input.Message)) {
    throw invalidParameter('Message Reason: Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF');
  }
  const attributes = readAttributes(input.MessageAttributes ?? {}, position);
  const size = Buffer.byteLength(input.Message) + attributesSize(attributes);
  if (size > MAX_MESSAGE_BYTES) throw invalidParameter('Message too long');
  const { groupId, dedupKey } = readFifoIds(input, topic);
  return { message: input.Message, perProtocol: readStructure(input), subject: input.Subject, attributes, groupId, dedupKey, size };
}

function readFifoIds(input: MessageInput, topic: TopicRules): { groupId: string | undefined; dedupKey: string | undefined } {
  const groupId = input.MessageGroupId;
  if (groupId !== undefined && !FIFO_ID.test(groupId)) {
    throw invalidParameter('MessageGroupId Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.');
  }
  if (!topic.fifo) {
    if (input.MessageDeduplicationId !== undefined) {
      throw invalidParameter('MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type');
    }
    return { groupId, dedupKey: undefined };
  }
  if (groupId === undefined) throw invalidParameter('The MessageGroupId parameter is required for FIFO topics');
  const dedupId = input.MessageDeduplicationId;
  if (dedupId === undefined && !topic.contentBasedDeduplication) {
    throw invalidParameter('The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
  }
  if (dedupId !== undefined && !FIFO_ID.test(dedupId)) {
    throw invalidParameter('MessageDeduplicationId Reason: MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.');
  }
  // Content-based: "a SHA-256 hash … using the body of the message (but not the attributes)" (API_CreateTopic, ContentBasedDeduplication).
  return { groupId, dedupKey: dedupId ?? createHash('sha256').update(input.Message).digest('hex') };
}

/** MessageStructure=json: the message must be a JSON object with a string `default`; non-string values are ignored (API_Publish). */
function readStructure(input: MessageInput): Record<string, string> | undefined {
  if (input.MessageStructure === undefined) return undefined;
  if (input.MessageStructure !== 'json') throw invalidParameter('MessageStructure');
  let parsed: unknown;
  try {
    parsed = JSON.parse(input.Message);
  } catch {
    throw invalidParameter('Message Structure - JSON message body failed to parse');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidParameter('Message Structure - JSON message body failed to parse');
  const perProtocol = Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  if (perProtocol.default === undefined) throw invalidParameter('Message Structure - No default entry in JSON message body');
  return perProtocol;
}

function readAttributes(input: Readonly<Record<string, MessageAttributeInput>>, position: number | undefined): Record<string, PublishedAttribute> {
  const out: Record<string, PublishedAttribute> = {};
  for (const [name, attribute] of Object.entries(input)) {
    checkAttributeName(name);
    const type = attribute.DataType;
    if (type === undefined) {
      const at = position === undefined ? `messageAttributes.${name}.member.dataType` : `publishBatchRequestEntries.${position}.member.messageAttributes.${name}.member.dataType`;
      throw snsError('ValidationError', `1 validation error detected: Value null at '${at}' failed to satisfy constraint: Member must not be null`);
    }
    if (!DATA_TYPE.test(type)) {
      throw invalidParameterValue(`The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`);
    }
    out[name] = readAttributeValue(name, type, attribute);
  }
  return out;
}

function readAttributeValue(name: string, type: string, attribute: MessageAttributeInput): PublishedAttribute {
  const binary = type.startsWith('Binary');
  const field = binary ? 'Binary' : 'String';
  const value = binary ? attribute.BinaryValue : attribute.StringValue;
  const other = binary ? attribute.StringValue : attribute.BinaryValue;
  if (value === undefined && other === undefined) {
    throw invalidParameterValue(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`);
  }
  if (value === undefined) throw invalidParameterValue(`The message attribute '${name}' with type '${type}' must use field '${field}'.`);
  if (value === '' || (binary && Buffer.from(value, 'base64').length === 0)) {
    throw invalidParameterValue(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`);
  }
  if (type.startsWith('Number') && !NUMBER.test(value.trim())) {
    throw invalidParameterValue(`The message attribute '${name}' with type 'Number' has an invalid value: '${value.slice(0, 100)}'.`);
  }
  if (type === 'String.Array' && !isLiteralArray(value)) {
    throw invalidParameterValue(`The message attribute '${name}' with type 'String.Array' must be a JSON array of strings, numbers, true, false or null.`);
  }
  return binary ? { DataType: type, BinaryValue: value } : { DataType: type, StringValue: value };
}

/** Attribute names: A-Z a-z 0-9 _ - . of under 256 bytes, not starting or ending with a period, without two in a row. */
function checkAttributeName(name: string): void {
  if (Buffer.byteLength(name) >= 256) throw invalidParameterValue('Length of message attribute name must be less than 256 bytes.');
  if (name.startsWith('.')) throw invalidParameterValue("Invalid message attribute name starting with character '.' was found.");
  if (name.endsWith('.')) throw invalidParameterValue("Invalid message attribute name ending with character '.' was found.");
  for (const character of name) {
    if (!ATTRIBUTE_NAME_CHARACTER.test(character)) {
      const code = `#x${character.codePointAt(0)!.toString(16).toUpperCase()}`;
      throw invalidParameterValue(
        `Invalid non-alphanumeric character '${code}' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots.`,
      );
    }
  }
  if (name.includes('..')) throw invalidParameterValue("Message attribute name can not have successive '.' character.");
  if (name === '') throw invalidParameterValue('The message attribute name must not be empty.');
}

function isLiteralArray(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) && parsed.every((item) => item === null || ['string', 'number', 'boolean'].includes(typeof item));
  } catch {
    return false;
  }
}

/** Bytes attributes add to a message's size: each name, type and value (binary values decoded). */
function attributesSize(attributes: Readonly<Record<string, PublishedAttribute>>): number {
  let size = 0;
  for (const [name, attribute] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(attribute.DataType);
    size += attribute.BinaryValue !== undefined ? Buffer.from(attribute.BinaryValue, 'base64').length : Buffer.byteLength(attribute.StringValue ?? '');
  }
  return size;
}
