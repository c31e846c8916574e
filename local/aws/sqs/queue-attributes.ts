import { z } from 'zod';
import { sqsError } from './errors.js';

/** A queue's settable attributes as stored and returned: canonical strings by attribute name. */
export type QueueAttributes = Record<string, string>;

/** The redrive policy of a source queue. */
export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

/** A queue's attributes read into the values the engine uses. */
export interface QueueSettings {
  fifo: boolean;
  delaySeconds: number;
  maximumMessageSize: number;
  messageRetentionPeriod: number;
  receiveMessageWaitTimeSeconds: number;
  visibilityTimeout: number;
  contentBasedDeduplication: boolean;
  /** `messageGroup` scopes deduplication ids to their message group. */
  deduplicationScope: string;
  redrivePolicy: RedrivePolicy | undefined;
}

// Ranges and defaults: API_CreateQueue / API_SetQueueAttributes "Attributes" (the SQS model's
// documentation in @aws-sdk/client-sqs 3.1175, dist-types/models/models_0.d.ts): MaximumMessageSize
// 1,024..1,048,576, default 1 MiB; MessageRetentionPeriod 60..1,209,600, default 345,600;
// VisibilityTimeout 0..43,200, default 30; DelaySeconds 0..900; ReceiveMessageWaitTimeSeconds 0..20;
// KmsDataKeyReusePeriodSeconds 60..86,400. SqsManagedSseEnabled is on by default.
const INTEGER_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1024, 1_048_576],
  MessageRetentionPeriod: [60, 1_209_600],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  VisibilityTimeout: [0, 43_200],
  KmsDataKeyReusePeriodSeconds: [60, 86_400],
};

const STANDARD_DEFAULTS: QueueAttributes = {
  DelaySeconds: '0',
  MaximumMessageSize: '1048576',
  MessageRetentionPeriod: '345600',
  ReceiveMessageWaitTimeSeconds: '0',
  VisibilityTimeout: '30',
  SqsManagedSseEnabled: 'true',
};

const FIFO_DEFAULTS: QueueAttributes = {
  ...STANDARD_DEFAULTS,
  FifoQueue: 'true',
  ContentBasedDeduplication: 'false',
  DeduplicationScope: 'queue',
  FifoThroughputLimit: 'perQueue',
};

const FIFO_ONLY = new Set(['FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit']);
const FREE_TEXT = new Set(['Policy', 'KmsMasterKeyId', 'RedriveAllowPolicy']);
const BOOLEANS = new Set(['SqsManagedSseEnabled', 'ContentBasedDeduplication', 'FifoQueue']);
const CHOICES: Readonly<Record<string, readonly string[]>> = {
  DeduplicationScope: ['messageGroup', 'queue'],
  FifoThroughputLimit: ['perQueue', 'perMessageGroupId'],
};

/** The attributes GetQueueAttributes computes rather than stores. */
export const COMPUTED_ATTRIBUTES = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
] as const;

/** The attributes a new queue starts with. */
export function defaultAttributes(fifo: boolean): QueueAttributes {
  return { ...(fifo ? FIFO_DEFAULTS : STANDARD_DEFAULTS) };
}

/**
 * Checks attributes given to CreateQueue (creating) or SetQueueAttributes and returns them in
 * canonical form, refusing unknown names (InvalidAttributeName) and bad values
 * (InvalidAttributeValue) as SQS does, before anything is stored.
 */
export function canonicalAttributes(given: Record<string, string>, fifo: boolean, creating: boolean): QueueAttributes {
  const out: QueueAttributes = {};
  for (const [name, value] of Object.entries(given)) {
    checkAllowedName(name, fifo, creating);
    out[name] = canonicalValue(name, value);
  }
  return out;
}

function checkAllowedName(name: string, fifo: boolean, creating: boolean): void {
  const known = name in INTEGER_RANGES || FIFO_ONLY.has(name) || FREE_TEXT.has(name) || name === 'RedrivePolicy' || name === 'SqsManagedSseEnabled';
  if (!known) throw sqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
  if (name === 'FifoQueue' && !creating) {
    // Wording recorded against AWS (localstack test_sqs.snapshot.json, test_set_unsupported_attribute_fifo).
    if (fifo) throw sqsError('InvalidAttributeValue', 'Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.');
    throw sqsError('InvalidAttributeName', 'Unknown Attribute FifoQueue.');
  }
  if (fifo || !FIFO_ONLY.has(name) || (creating && name === 'FifoQueue')) return;
  if (name === 'DeduplicationScope' || name === 'FifoThroughputLimit') {
    throw sqsError('InvalidAttributeName', `You can specify the ${name} only when FifoQueue is set to true.`);
  }
  throw sqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
}

function canonicalValue(name: string, value: string): string {
  const range = INTEGER_RANGES[name];
  if (range) {
    const n = /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < range[0] || n > range[1]) throw invalidValue(name, `Must be an integer from ${range[0]} to ${range[1]}.`);
    return String(n);
  }
  if (BOOLEANS.has(name)) {
    const lower = value.toLowerCase();
    if (lower !== 'true' && lower !== 'false') throw invalidValue(name, 'Must be true or false.');
    return lower;
  }
  const choices = CHOICES[name];
  if (choices && !choices.includes(value)) throw invalidValue(name, `Must be one of ${choices.join(', ')}.`);
  if (name === 'RedrivePolicy') return value === '' ? '' : canonicalRedrivePolicy(value);
  if (name === 'Policy' || name === 'RedriveAllowPolicy') checkJsonObject(name, value);
  return value;
}

function invalidValue(name: string, reason: string): Error {
  return sqsError('InvalidAttributeValue', `Invalid value for the parameter ${name}. Reason: ${reason}`);
}

function checkJsonObject(name: string, value: string): void {
  if (value === '') return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw invalidValue(name, 'Must be a JSON object.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidValue(name, 'Must be a JSON object.');
}

const RedrivePolicyInput = z.object({
  deadLetterTargetArn: z.string().min(1),
  maxReceiveCount: z.union([z.number(), z.string().regex(/^\d+$/)]).transform(Number).pipe(z.number().int().min(1).max(1000)),
});

// "Value V for parameter RedrivePolicy is invalid. Reason: Invalid value for maxReceiveCount …"
// (localstack provider.py, recorded against AWS).
function canonicalRedrivePolicy(value: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw sqsError('InvalidParameterValue', `Value ${value} for parameter RedrivePolicy is invalid. Reason: Redrive policy is not a valid JSON map.`);
  }
  const policy = RedrivePolicyInput.safeParse(parsed);
  if (!policy.success) {
    throw sqsError(
      'InvalidParameterValue',
      `Value ${value} for parameter RedrivePolicy is invalid. Reason: Redrive policy needs deadLetterTargetArn and maxReceiveCount from 1 to 1000.`,
    );
  }
  return JSON.stringify({ deadLetterTargetArn: policy.data.deadLetterTargetArn, maxReceiveCount: policy.data.maxReceiveCount });
}

/** The redrive policy stored in canonical form, or undefined when none is set. */
export function readRedrivePolicy(attributes: QueueAttributes): RedrivePolicy | undefined {
  const text = attributes.RedrivePolicy;
  if (text === undefined || text === '') return undefined;
  const parsed = RedrivePolicyInput.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`Expected a stored redrive policy to be valid, got ${text}`);
  return parsed.data;
}

/** Reads canonical attributes into the settings the engine uses. */
export function readSettings(attributes: QueueAttributes): QueueSettings {
  const int = (name: string) => Number(attributes[name] ?? STANDARD_DEFAULTS[name]);
  return {
    fifo: attributes.FifoQueue === 'true',
    delaySeconds: int('DelaySeconds'),
    maximumMessageSize: int('MaximumMessageSize'),
    messageRetentionPeriod: int('MessageRetentionPeriod'),
    receiveMessageWaitTimeSeconds: int('ReceiveMessageWaitTimeSeconds'),
    visibilityTimeout: int('VisibilityTimeout'),
    contentBasedDeduplication: attributes.ContentBasedDeduplication === 'true',
    deduplicationScope: attributes.DeduplicationScope ?? 'queue',
    redrivePolicy: readRedrivePolicy(attributes),
  };
}

/** The first attribute given to CreateQueue whose value differs from the existing queue's, if any. */
export function findDifferentAttribute(existing: QueueAttributes, given: QueueAttributes): string | undefined {
  return Object.keys(given).find((name) => (existing[name] ?? '') !== given[name]);
}

/** Applies SetQueueAttributes: an empty RedrivePolicy or Policy removes it. */
export function mergeAttributes(existing: QueueAttributes, changes: QueueAttributes): QueueAttributes {
  const merged = { ...existing, ...changes };
  for (const name of ['RedrivePolicy', 'Policy', 'RedriveAllowPolicy', 'KmsMasterKeyId']) {
    if (merged[name] === '') delete merged[name];
  }
  return merged;
}
