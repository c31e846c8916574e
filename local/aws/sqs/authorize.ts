import { createHash } from 'node:crypto';
import { LOCAL_ACCOUNT_ID } from '../iam/policy.js';
import type { Principal } from '../iam/principal.js';
import { accessDenied } from './errors.js';
import { nameFromQueueUrl, queueArn } from './names.js';

// Operations that act on the queue their QueueUrl names, each needing the action of its own
// name; the batch operations need their single counterpart's (there is no sqs:SendMessageBatch
// action: "Actions defined by Amazon SQS", Service Authorization Reference; a denied
// SendMessageBatch reads "… not authorized to perform: sqs:sendmessage on resource: arn:aws:sqs:…"
// on AWS, github.com/aws/serverless-application-model/issues/3633).
const QUEUE_ACTIONS: Readonly<Record<string, string>> = {
  DeleteQueue: 'sqs:DeleteQueue',
  GetQueueAttributes: 'sqs:GetQueueAttributes',
  SetQueueAttributes: 'sqs:SetQueueAttributes',
  PurgeQueue: 'sqs:PurgeQueue',
  SendMessage: 'sqs:SendMessage',
  SendMessageBatch: 'sqs:SendMessage',
  ReceiveMessage: 'sqs:ReceiveMessage',
  DeleteMessage: 'sqs:DeleteMessage',
  DeleteMessageBatch: 'sqs:DeleteMessage',
  ChangeMessageVisibility: 'sqs:ChangeMessageVisibility',
  ChangeMessageVisibilityBatch: 'sqs:ChangeMessageVisibility',
  ListQueueTags: 'sqs:ListQueueTags',
  TagQueue: 'sqs:TagQueue',
  UntagQueue: 'sqs:UntagQueue',
};

/**
 * The permission an SQS request needs: `sqs:<Action>` on the queue's ARN (from its QueueUrl, or
 * its QueueName for CreateQueue and GetQueueUrl); ListQueues on every queue of the account and
 * region (`arn:aws:sqs:REGION:000000000000:*`). Undefined when the request names no queue
 * (validation refuses it next) or the operation is unknown.
 */
export function requiredPermission(operation: string, params: Record<string, unknown>, region: string): readonly [string, string] | undefined {
  if (operation === 'ListQueues') return ['sqs:ListQueues', queueArn(region, '*')];
  if (operation === 'CreateQueue' || operation === 'GetQueueUrl') {
    const name = params.QueueName;
    return typeof name === 'string' && name !== '' ? [`sqs:${operation}`, queueArn(region, name)] : undefined;
  }
  const action = QUEUE_ACTIONS[operation];
  const url = params.QueueUrl;
  if (action === undefined || typeof url !== 'string' || url === '') return undefined;
  return [action, queueArn(region, nameFromQueueUrl(url))];
}

/** Refuses a request its caller's policies do not allow (403 AccessDenied, SQS's wording). */
export function authorizeSqs(principal: Principal, region: string, operation: string, params: Record<string, unknown>): void {
  const permission = requiredPermission(operation, params, region);
  if (!permission) return;
  const denial = principal.authorize(permission[0], permission[1]);
  if (denial) throw accessDenied(denial);
}

/**
 * The SenderId of messages a caller sends: the account id for the account's own keys (as AWS
 * answers for the root user), `<role id>:<session>` for a role session (API_ReceiveMessage:
 * "For an IAM role, returns the IAM role ID, for example ABCDE1F2GH3I4JK5LMNOP:i-a123b456").
 * Local roles have no ids: one is derived from the role's ARN.
 */
export function senderIdOf(principal: Principal | null): string {
  if (!principal) return LOCAL_ACCOUNT_ID;
  const match = /:assumed-role\/([^/]+)\/(.+)$/.exec(principal.arn);
  if (!match) return LOCAL_ACCOUNT_ID;
  const roleId = `AROA${createHash('sha256').update(match[1]!).digest('hex').slice(0, 17).toUpperCase()}`;
  return `${roleId}:${match[2]}`;
}
