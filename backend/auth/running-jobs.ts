import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';

// The per-key cap on jobs queued or running at once. Each key with a cap has an item of
// the jobs table, `running.<key hash>`, holding the uids of its jobs that may still run
// (a string set). A start adds its uid with a conditional write (`size(uids) < max`), so
// concurrent starts cannot overshoot; nothing removes a uid when its job ends (no runner,
// sweep or crash path has to remember to): when the set is full, the start reads the
// records of its uids, drops those that ended, and tries once more. So a key below its cap
// pays one write per start, and a full set is cleaned at most once per refused start.

/** Prefix of the table ids of the per-key sets of running jobs. */
export const RUNNING_ID_PREFIX = 'running.';
/** A job with no record yet is counted as running this long after its uid's time (its start writes the record next). */
const UNRECORDED_GRACE_MS = 60_000;
/** How long an idle set stays (DynamoDB TTL), in seconds. */
const SET_TTL_SECONDS = 86_400;

/** The per-key sets of running jobs. */
export interface RunningJobs {
  /**
   * Counts `uid` among the key's running jobs if it has fewer than `max`; when full, drops
   * the jobs that ended and tries once more. False when the key is still at its cap.
   */
  reserve(keyHash: string, uid: string, max: number): Promise<boolean>;
  /** Stops counting a job that did not start. */
  release(keyHash: string, uid: string): Promise<void>;
}

/** Whether a job may still take a slot: its record says it has not exited. */
export type JobEndedCheck = (uid: string) => Promise<boolean>;

/** The sets in the jobs table; `hasEnded` reads a job's record. */
export function createDynamoRunningJobs(deps: {
  ddb: DynamoDBDocumentClient;
  table: string;
  hasEnded: JobEndedCheck;
  now?: () => number;
}): RunningJobs {
  const { ddb, table: TableName } = deps;
  const update = (input: UpdateCommandInput) => ddb.send(new UpdateCommand(input));
  const now = deps.now ?? Date.now;
  const key = (keyHash: string) => ({ id: `${RUNNING_ID_PREFIX}${keyHash}` });

  const add = async (keyHash: string, uid: string, max: number): Promise<boolean> => {
    try {
      await update({
        TableName,
        Key: key(keyHash),
        UpdateExpression: 'ADD #uids :uid SET #ttl = :ttl',
        ConditionExpression: 'attribute_not_exists(#uids) OR size(#uids) < :max',
        ExpressionAttributeNames: { '#uids': 'uids', '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':uid': new Set([uid]), ':max': max, ':ttl': Math.floor(now() / 1000) + SET_TTL_SECONDS },
      });
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  };

  const remove = async (keyHash: string, uids: string[]): Promise<void> => {
    if (uids.length === 0) return;
    await ddb.send(
      new UpdateCommand({
        TableName,
        Key: key(keyHash),
        UpdateExpression: 'DELETE #uids :gone',
        ExpressionAttributeNames: { '#uids': 'uids' },
        ExpressionAttributeValues: { ':gone': new Set(uids) },
      }),
    );
  };

  const dropEnded = async (keyHash: string): Promise<void> => {
    const found = await ddb.send(new GetCommand({ TableName, Key: key(keyHash), ConsistentRead: true }));
    const uids = found.Item?.uids instanceof Set ? [...(found.Item.uids as Set<unknown>)].filter((uid): uid is string => typeof uid === 'string') : [];
    const ended = await Promise.all(uids.map(async (uid) => ((await deps.hasEnded(uid)) ? uid : undefined)));
    await remove(
      keyHash,
      ended.filter((uid): uid is string => uid !== undefined),
    );
  };

  return {
    async reserve(keyHash, uid, max) {
      if (await add(keyHash, uid, max)) return true;
      await dropEnded(keyHash);
      return add(keyHash, uid, max);
    },
    release: (keyHash, uid) => remove(keyHash, [uid]),
  };
}

/**
 * Whether a job counts as ended for the cap: its record says exited, or it has no record
 * although its uid is older than a start takes to write one.
 */
export function hasJobEnded(record: { status: string } | undefined, uid: string, nowMs: number): boolean {
  if (record) return record.status === 'exited';
  const startedAt = Number(uid.slice(0, uid.indexOf('.'))) * 1000;
  return !(nowMs - startedAt < UNRECORDED_GRACE_MS);
}
