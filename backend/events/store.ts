import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeliveryAttempt, EventState } from '../../protocol/index.js';
import { scanItems } from '../aws/scan.js';
import { JOB_ID_PREFIX, jobRecordId, parseJobRecord, type JobRecord } from '../jobs/record.js';

/** What one delivery pass came to, as written on the record. */
export interface EventPass {
  /** The webhook attempt made, if one was. */
  attempt?: DeliveryAttempt;
  delivered?: boolean;
  queued?: boolean;
  state: EventState;
  /** When the next pass is due, while pending. */
  nextAt?: number;
}

/** The end events on the job records: all state in the table, so retries survive a restart. */
export interface EventStore {
  /**
   * Takes the event of an exited job for one delivery pass, until `leaseUntil`: undefined when
   * it is not pending, not due before `now`, the job has not exited, or another deliverer holds it.
   */
  takeEvent(uid: string, now: number, leaseUntil: number): Promise<JobRecord | undefined>;
  /** Records a pass and releases the event; the secret goes once the event is no longer pending. */
  recordPass(uid: string, pass: EventPass): Promise<void>;
  /** The uids of exited jobs whose event is pending and due by `now` (for the sweep). */
  listDueEvents(now: number): Promise<string[]>;
}

const NAMES = {
  '#status': 'status',
  '#state': 'event-state',
  '#next': 'event-next-at',
  '#lease': 'event-lease',
} as const;

/** Event state on the job records of the table (the jobs table). */
export function createDynamoEventStore(deps: { ddb: DynamoDBDocumentClient; table: string }): EventStore {
  const { ddb, table: TableName } = deps;
  return {
    async takeEvent(uid, now, leaseUntil) {
      try {
        const result = await ddb.send(
          new UpdateCommand({
            TableName,
            Key: { id: jobRecordId(uid) },
            UpdateExpression: 'SET #lease = :lease',
            ConditionExpression:
              '#status = :exited AND #state = :pending AND (attribute_not_exists(#next) OR #next <= :now) AND (attribute_not_exists(#lease) OR #lease < :now)',
            ExpressionAttributeNames: NAMES,
            ExpressionAttributeValues: { ':lease': leaseUntil, ':exited': 'exited', ':pending': 'pending', ':now': now },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return parseJobRecord(result.Attributes);
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return undefined;
        throw error;
      }
    },

    async recordPass(uid, pass) {
      const set = ['#state = :state', '#tries = if_not_exists(#tries, :zero) + :one'];
      const remove = ['#lease'];
      const names: Record<string, string> = { '#state': 'event-state', '#tries': 'event-tries', '#lease': 'event-lease' };
      const values: Record<string, unknown> = { ':state': pass.state, ':zero': 0, ':one': 1 };
      if (pass.attempt) {
        set.push('#attempts = list_append(if_not_exists(#attempts, :none), :attempt)');
        names['#attempts'] = 'event-attempts';
        values[':none'] = [];
        values[':attempt'] = [pass.attempt];
      }
      if (pass.delivered) {
        set.push('#delivered = :true');
        names['#delivered'] = 'event-delivered';
      }
      if (pass.queued) {
        set.push('#queued = :true');
        names['#queued'] = 'event-queued';
      }
      if (pass.delivered || pass.queued) values[':true'] = true;
      names['#next'] = 'event-next-at';
      if (pass.state === 'pending' && pass.nextAt !== undefined) {
        set.push('#next = :next');
        values[':next'] = pass.nextAt;
      } else {
        remove.push('#next');
      }
      if (pass.state !== 'pending') {
        remove.push('#secret');
        names['#secret'] = 'event-secret';
      }
      await ddb.send(
        new UpdateCommand({
          TableName,
          Key: { id: jobRecordId(uid) },
          UpdateExpression: `SET ${set.join(', ')} REMOVE ${remove.join(', ')}`,
          ConditionExpression: 'attribute_exists(id)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    },

    async listDueEvents(now) {
      // A scan, as the sweep's search for unfinished jobs (every 5 minutes on AWS): pending
      // events are few and short-lived, and an index for them would cost every job a write.
      const uids: string[] = [];
      const items = scanItems(ddb, {
        TableName,
        FilterExpression: 'begins_with(id, :jobPrefix) AND #status = :exited AND #state = :pending AND (attribute_not_exists(#next) OR #next <= :now)',
        ExpressionAttributeNames: { '#status': NAMES['#status'], '#state': NAMES['#state'], '#next': NAMES['#next'] },
        ExpressionAttributeValues: { ':jobPrefix': JOB_ID_PREFIX, ':exited': 'exited', ':pending': 'pending', ':now': now },
        ConsistentRead: true,
      });
      for await (const item of items) {
        const uid = (item as { uid?: unknown }).uid;
        if (typeof uid === 'string') uids.push(uid);
      }
      return uids;
    },
  };
}
