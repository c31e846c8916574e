import { LOCAL_ACCOUNT_ID } from '../iam/policy.js';
import { queueDoesNotExist, sqsError } from './errors.js';

// Queue names: "up to 80 characters … alphanumeric characters, hyphens (-), and underscores (_).
// A FIFO queue name must end with the .fifo suffix" (API_CreateQueue, QueueName; the suffix
// counts towards the 80). AWS's wording of the refusals, as recorded against AWS
// (localstack tests/aws/services/sqs/test_sqs.snapshot.json and provider.py:assert_queue_name).
const NAME = /^[A-Za-z0-9_-]{1,80}$/;
const FIFO_NAME = /^[A-Za-z0-9_-]{1,75}\.fifo$/;
const NAME_RULE = 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length';
const FIFO_NAME_RULE =
  'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.';

/** Refuses a queue name SQS would refuse for a queue of this type. */
export function checkQueueName(name: string, fifo: boolean): void {
  if (fifo ? FIFO_NAME.test(name) : NAME.test(name)) return;
  throw sqsError('InvalidParameterValue', fifo ? FIFO_NAME_RULE : NAME_RULE);
}

/** Whether a name is a FIFO queue's (ends with `.fifo`). */
export function isFifoName(name: string): boolean {
  return name.endsWith('.fifo');
}

/** The ARN of a queue: arn:aws:sqs:REGION:000000000000:NAME. */
export function queueArn(region: string, name: string): string {
  return `arn:aws:sqs:${region}:${LOCAL_ACCOUNT_ID}:${name}`;
}

/** The queue URL AWS forms, on the local endpoint: http://127.0.0.1:PORT/000000000000/NAME. */
export function queueUrl(endpoint: string, name: string): string {
  return `${endpoint.replace(/\/+$/, '')}/${LOCAL_ACCOUNT_ID}/${name}`;
}

const URL_PATH = /^\/(\d{12})\/([A-Za-z0-9_.-]{1,80})\/?$/;

/**
 * The queue name a QueueUrl (or the path a request was sent to) addresses. Any host is
 * accepted, as the endpoint cannot know every name it is reached by; the account must be
 * the local one. Anything else does not name a queue here (NonExistentQueue, as SQS answers
 * a URL of a queue it does not have).
 */
export function nameFromQueueUrl(url: string): string {
  let path = url;
  if (!url.startsWith('/')) {
    try {
      path = new URL(url).pathname;
    } catch {
      throw queueDoesNotExist();
    }
  }
  const match = URL_PATH.exec(path);
  if (!match || match[1] !== LOCAL_ACCOUNT_ID) throw queueDoesNotExist();
  return match[2]!;
}

/** The queue name an SQS ARN of this region and account names, or undefined. */
export function nameFromArn(arn: string, region: string): string | undefined {
  const prefix = `arn:aws:sqs:${region}:${LOCAL_ACCOUNT_ID}:`;
  if (!arn.startsWith(prefix)) return undefined;
  const name = arn.slice(prefix.length);
  return NAME.test(name) || FIFO_NAME.test(name) ? name : undefined;
}

/** Whether a request path looks like a queue URL's (/ACCOUNT/NAME), for requests sent to the queue URL. */
export function isQueuePath(path: string): boolean {
  return URL_PATH.test(path);
}
