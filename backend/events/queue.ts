import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** The project's queue of job end events. */
export interface EventQueue {
  /** Sends one event (its JSON body); `id` goes along as the message attribute `event-id`. */
  send(id: string, body: string): Promise<void>;
}

/**
 * The queue of infra.yaml's `sqs:` section, by its URL (EVENT_QUEUE_URL). A standard queue:
 * delivery is at least once, so a consumer may see an event twice (the same `event-id`).
 */
export function createSqsEventQueue(sqs: SQSClient, queueUrl: string): EventQueue {
  return {
    async send(id, body) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: body,
          MessageAttributes: {
            'event-id': { DataType: 'String', StringValue: id },
            'event-type': { DataType: 'String', StringValue: 'job.ended' },
          },
        }),
      );
    },
  };
}
