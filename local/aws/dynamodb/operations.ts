// Kept apart from engine.ts (which loads dynalite): the fault layer lists the operations without loading the service.

/** Operations dynalite implements; UpdateTimeToLive and DescribeTimeToLive are ours (ttl-actions.ts). */
export const ENGINE_OPERATIONS = [
  'BatchGetItem',
  'BatchWriteItem',
  'CreateTable',
  'DeleteItem',
  'DeleteTable',
  'DescribeTable',
  'GetItem',
  'ListTables',
  'PutItem',
  'Query',
  'Scan',
  'TagResource',
  'UntagResource',
  'ListTagsOfResource',
  'UpdateItem',
  'UpdateTable',
] as const;
export type EngineOperation = (typeof ENGINE_OPERATIONS)[number];
