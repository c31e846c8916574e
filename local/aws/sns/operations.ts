/**
 * The operations the local SNS serves, by their AWS API names (what a fault rule names after
 * `sns:`). A file of its own, with no imports, so that the fault layer can know them without
 * loading the service.
 */
export const SNS_OPERATIONS: readonly string[] = [
  'ConfirmSubscription',
  'CreateTopic',
  'DeleteTopic',
  'GetSubscriptionAttributes',
  'GetTopicAttributes',
  'ListSubscriptions',
  'ListSubscriptionsByTopic',
  'ListTagsForResource',
  'ListTopics',
  'Publish',
  'PublishBatch',
  'SetSubscriptionAttributes',
  'SetTopicAttributes',
  'Subscribe',
  'TagResource',
  'Unsubscribe',
  'UntagResource',
];
