import { LOCAL_ACCOUNT_ID } from '../iam/policy.js';
import { invalidParameter, topicNotFound } from './errors.js';

// Topic names: "Topic names must be made up of only uppercase and lowercase ASCII letters,
// numbers, underscores, and hyphens, and must be between 1 and 256 characters long. For a FIFO
// topic, the name must end with the .fifo suffix" (API_CreateTopic, Name); any refusal reads
// "Invalid parameter: Topic Name", a standard topic named `x.fifo` too (recorded against AWS:
// localstack tests/aws/services/sns/test_sns.snapshot.json, test_create_topic_name_constraints).
const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;
const FIFO_TOPIC_NAME = /^[A-Za-z0-9_-]{1,251}\.fifo$/;
const ACCOUNT = /^\d{12}$/;
const SUBSCRIPTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Refuses a topic name SNS would refuse for a topic of this type. */
export function checkTopicName(name: string, fifo: boolean): void {
  if (!(fifo ? FIFO_TOPIC_NAME : TOPIC_NAME).test(name)) throw invalidParameter('Topic Name');
}

/** Whether a topic (or queue) name is a FIFO one. */
export function isFifoName(name: string): boolean {
  return name.endsWith('.fifo');
}

/** The ARN of a topic: arn:aws:sns:REGION:000000000000:NAME. */
export function topicArn(region: string, name: string): string {
  return `arn:aws:sns:${region}:${LOCAL_ACCOUNT_ID}:${name}`;
}

/** The ARN of a subscription: the topic's ARN and the subscription's id. */
export function subscriptionArn(region: string, topic: string, id: string): string {
  return `${topicArn(region, topic)}:${id}`;
}

/**
 * The parts of an ARN parameter, refusing one of fewer than six colon-separated elements as AWS
 * does ("Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1",
 * recorded against AWS: localstack test_sns.snapshot.json, test_create_topic_with_attributes).
 */
function arnParts(parameter: string, value: string): string[] {
  const parts = value.split(':');
  if (parts.length < 6) throw invalidParameter(`${parameter} Reason: An ARN must have at least 6 elements, not ${parts.length}`);
  return parts;
}

/**
 * The name of the topic a TopicArn (or TargetArn) names. An ARN of another partition, service or
 * region, or with an impossible name, is "Invalid parameter: <parameter>" (a topic of another
 * region too: recorded against AWS, test_topic_publish_another_region); another account's topic
 * does not exist here (NotFound).
 */
export function topicNameFromArn(value: string, region: string, parameter = 'TopicArn'): string {
  const parts = arnParts(parameter, value);
  const [arn, partition, service, arnRegion, account, name] = parts as [string, string, string, string, string, string];
  const validName = TOPIC_NAME.test(name) || FIFO_TOPIC_NAME.test(name);
  if (parts.length !== 6 || arn !== 'arn' || partition !== 'aws' || service !== 'sns' || arnRegion !== region || !ACCOUNT.test(account) || !validName) {
    throw invalidParameter(parameter);
  }
  if (account !== LOCAL_ACCOUNT_ID) throw topicNotFound();
  return name;
}

/** A subscription ARN read: its topic's name and its id. */
export interface SubscriptionRef {
  topic: string;
  id: string;
}

/**
 * Reads a SubscriptionArn: fewer than six elements is "… An ARN must have at least 6 elements,
 * not N", six (a topic's ARN) is "Invalid parameter: SubscriptionId" (both recorded against AWS:
 * test_unsubscribe_wrong_arn_format). Undefined for a well-formed ARN that cannot name a
 * subscription here (another region or account, not an id of ours): no such subscription.
 */
export function readSubscriptionArn(value: string, region: string): SubscriptionRef | undefined {
  const parts = arnParts('SubscriptionArn', value);
  if (parts.length === 6) throw invalidParameter('SubscriptionId');
  const [arn, partition, service, arnRegion, account, topic, id] = parts as [string, string, string, string, string, string, string];
  if (parts.length !== 7 || arn !== 'arn' || partition !== 'aws' || service !== 'sns') throw invalidParameter('SubscriptionArn');
  if (arnRegion !== region || account !== LOCAL_ACCOUNT_ID || !SUBSCRIPTION_ID.test(id)) return undefined;
  return { topic, id };
}

/** An SQS queue ARN read: region, account and name (its syntax only; the queue may not exist). */
export interface QueueRef {
  region: string;
  account: string;
  name: string;
}

const QUEUE_ARN = /^arn:aws:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,80}|[A-Za-z0-9_-]{1,75}\.fifo)$/;

/** Reads an SQS queue ARN, or undefined when the value is not one (a queue URL is not: AWS wants the ARN). */
export function readQueueArn(value: string): QueueRef | undefined {
  const match = QUEUE_ARN.exec(value);
  return match ? { region: match[1]!, account: match[2]!, name: match[3]! } : undefined;
}

const FUNCTION_ARN = /^arn:aws:lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]{1,64})(?::(\$LATEST|[A-Za-z0-9_-]{1,128}))?$/;

/** Whether a value is a Lambda function ARN (optionally qualified), as a lambda subscription's endpoint must be. */
export function isFunctionArn(value: string): boolean {
  return FUNCTION_ARN.test(value);
}
