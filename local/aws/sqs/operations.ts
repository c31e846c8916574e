// Kept apart from index.ts (which opens the store): the fault layer lists the operations without loading the service.

/** The operations the local SQS serves, by their AWS API names (what a fault rule names after `sqs:`), sorted. */
export const SQS_OPERATIONS = [
  'ChangeMessageVisibility',
  'ChangeMessageVisibilityBatch',
  'CreateQueue',
  'DeleteMessage',
  'DeleteMessageBatch',
  'DeleteQueue',
  'GetQueueAttributes',
  'GetQueueUrl',
  'ListQueueTags',
  'ListQueues',
  'PurgeQueue',
  'ReceiveMessage',
  'SendMessage',
  'SendMessageBatch',
  'SetQueueAttributes',
  'TagQueue',
  'UntagQueue',
] as const;

/** One operation the local SQS serves. */
export type SqsOperationName = (typeof SQS_OPERATIONS)[number];
