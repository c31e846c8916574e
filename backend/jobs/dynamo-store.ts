import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type PutCommandInput,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { scanItems } from '../aws/scan.js';
import { queryJobPage } from './list-query.js';
import { JOB_ID_PREFIX, jobRecordId, parseJobRecord, type JobRecord } from './record.js';
import { JobExistsError, JobNotFoundError, type CancelResult, type JobClaim, type JobStore } from './store.js';

const NAMES = {
  '#status': 'status',
  '#authName': 'auth-name',
  '#claimedAt': 'claimed-at',
  '#deadline': 'deadline',
  '#cancel': 'cancel-requested',
  '#cancelAt': 'cancel-requested-at',
  '#exit': 'exit',
  '#size': 'size',
  '#endedAt': 'ended-at',
  '#uploadedBytes': 'uploaded-bytes',
  '#uploads': 'uploads',
  '#aliveUntil': 'alive-until',
  '#claimToken': 'claim-token',
  '#pendingExit': 'pending-exit',
  '#logIncomplete': 'log-incomplete',
} as const;

type Names = keyof typeof NAMES;

function namesFor(...names: Names[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, NAMES[name]]));
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException;
}

/** Job records in the project's DynamoDB table (key: `id`; listed through the jobs-by-auth-name index). */
export function createDynamoJobStore(deps: { ddb: DynamoDBDocumentClient; table: string }): JobStore {
  const { ddb, table: TableName } = deps;
  const put = (input: PutCommandInput) => ddb.send(new PutCommand(input));
  const update = (input: UpdateCommandInput) => ddb.send(new UpdateCommand(input));

  const getJob = async (uid: string) => {
    const found = await ddb.send(new GetCommand({ TableName, Key: { id: jobRecordId(uid) }, ConsistentRead: true }));
    return parseJobRecord(found.Item);
  };

  // The sweep's search for unfinished jobs (rare: every 5 minutes) scans the table; listing
  // a name's jobs queries that name's partition of the jobs-by-auth-name index (list-query.ts).
  const scanJobs = async (filter: string, values: Record<string, unknown>, names: Record<string, string>) => {
    const records: JobRecord[] = [];
    const items = scanItems(ddb, {
      TableName,
      FilterExpression: `begins_with(id, :jobPrefix) AND ${filter}`,
      ExpressionAttributeValues: { ':jobPrefix': JOB_ID_PREFIX, ...values },
      ExpressionAttributeNames: names,
      ConsistentRead: true,
    });
    for await (const item of items) {
      const record = parseJobRecord(item);
      if (record) records.push(record);
    }
    return records;
  };

  return {
    async createJob(record) {
      try {
        await put({
          TableName,
          Item: { ...record, id: jobRecordId(record.uid), status: 'queued' },
          ConditionExpression: 'attribute_not_exists(id)',
        });
      } catch (error) {
        if (isConditionFailure(error)) throw new JobExistsError(record.uid, { cause: error });
        throw error;
      }
    },

    getJob,

    async claimJob(uid, authName, claim) {
      // A token of this call: the write is retried on 5xx, throttling and dropped connections
      // (aws/retry.ts), and a retry of a claim that was applied the first time finds the
      // job no longer queued; the token tells that claim from a duplicate event's, even one
      // made in the same millisecond.
      const token = randomUUID();
      const set = claimSet(claim, token);
      try {
        const result = await update({
          TableName,
          Key: { id: jobRecordId(uid) },
          UpdateExpression: set.expression,
          ConditionExpression: '#status = :queued AND #authName = :authName',
          ExpressionAttributeNames: { ...set.names, ...namesFor('#authName') },
          ExpressionAttributeValues: { ...set.values, ':queued': 'queued', ':authName': authName },
          ReturnValues: 'ALL_NEW',
        });
        return parseJobRecord(result.Attributes);
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const found = await getJob(uid);
        return found !== undefined && found.status === 'running' && found['claim-token'] === token ? found : undefined;
      }
    },

    async renewLease(uid, claimedAt, aliveUntil, pendingExit) {
      const withExit = pendingExit !== undefined;
      try {
        await update({
          TableName,
          Key: { id: jobRecordId(uid) },
          UpdateExpression: `SET #aliveUntil = :aliveUntil${withExit ? ', #pendingExit = :pendingExit' : ''}`,
          ConditionExpression: '#status = :running AND #claimedAt = :claimedAt',
          ExpressionAttributeNames: namesFor('#aliveUntil', '#status', '#claimedAt', ...(withExit ? (['#pendingExit'] as const) : [])),
          ExpressionAttributeValues: {
            ':aliveUntil': aliveUntil,
            ':running': 'running',
            ':claimedAt': claimedAt,
            ...(withExit ? { ':pendingExit': pendingExit } : {}),
          },
        });
        return 'renewed';
      } catch (error) {
        if (isConditionFailure(error)) return 'lost';
        throw error;
      }
    },

    async readCancelRequested(uid) {
      const found = await ddb.send(
        new GetCommand({
          TableName,
          Key: { id: jobRecordId(uid) },
          ProjectionExpression: '#cancel',
          ExpressionAttributeNames: namesFor('#cancel'),
          ConsistentRead: true,
        }),
      );
      return found.Item?.['cancel-requested'] === true;
    },

    async requestCancel(uid, authName, at): Promise<CancelResult> {
      try {
        await ddb.send(
          new UpdateCommand({
            TableName,
            Key: { id: jobRecordId(uid) },
            UpdateExpression: 'SET #cancel = :true, #cancelAt = :at',
            ConditionExpression: 'attribute_exists(id) AND #authName = :authName AND #status <> :exited',
            ExpressionAttributeNames: namesFor('#cancel', '#cancelAt', '#authName', '#status'),
            ExpressionAttributeValues: { ':true': true, ':at': at, ':authName': authName, ':exited': 'exited' },
          }),
        );
        return 'cancelling';
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const record = await getJob(uid);
        if (!record || record['auth-name'] !== authName) return 'not-found';
        return 'already-exited';
      }
    },

    async finishJob(uid, end, claimedAt) {
      const fields: [Names, string, number | boolean | undefined][] = [
        ['#exit', ':exit', end.exit],
        ['#endedAt', ':endedAt', end.endedAt],
        ['#size', ':size', end.size],
        ['#uploadedBytes', ':uploadedBytes', end.uploadedBytes],
        ['#uploads', ':uploads', end.uploads],
        ['#logIncomplete', ':logIncomplete', end.logIncomplete || undefined],
      ];
      const set = fields.filter((field): field is [Names, string, number | boolean] => field[2] !== undefined);
      const owned = claimedAt !== undefined;
      try {
        await update({
          TableName,
          Key: { id: jobRecordId(uid) },
          UpdateExpression: `SET #status = :exited, ${set.map(([name, value]) => `${name} = ${value}`).join(', ')} REMOVE #pendingExit`,
          ConditionExpression: owned ? 'attribute_exists(id) AND #claimedAt = :claimedAt' : 'attribute_exists(id)',
          ExpressionAttributeNames: namesFor('#status', '#pendingExit', ...set.map(([name]) => name), ...(owned ? (['#claimedAt'] as const) : [])),
          ExpressionAttributeValues: {
            ':exited': 'exited',
            ...Object.fromEntries(set.map(([, value, given]) => [value, given])),
            ...(owned ? { ':claimedAt': claimedAt } : {}),
          },
        });
        return true;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        if (owned) return false;
        throw new JobNotFoundError(uid, { cause: error });
      }
    },

    listJobs: (authName, options) => queryJobPage(ddb, TableName, authName, options),

    listUnfinishedJobs: () => scanJobs('#status <> :exited', { ':exited': 'exited' }, namesFor('#status')),

    async takeOverJob(seen, claim) {
      const sameClaim = seen['claimed-at'] === undefined ? 'attribute_not_exists(#claimedAt)' : '#claimedAt = :seenClaimedAt';
      const sameLease = seen['alive-until'] === undefined ? 'attribute_not_exists(#aliveUntil)' : '#aliveUntil = :seenAliveUntil';
      const set = claimSet(claim);
      try {
        await ddb.send(
          new UpdateCommand({
            TableName,
            Key: { id: jobRecordId(seen.uid) },
            UpdateExpression: set.expression,
            ConditionExpression: `#status = :seenStatus AND ${sameClaim} AND ${sameLease}`,
            ExpressionAttributeNames: { ...set.names, ...namesFor('#aliveUntil') },
            ExpressionAttributeValues: {
              ...set.values,
              ':seenStatus': seen.status,
              ...(seen['claimed-at'] === undefined ? {} : { ':seenClaimedAt': seen['claimed-at'] }),
              ...(seen['alive-until'] === undefined ? {} : { ':seenAliveUntil': seen['alive-until'] }),
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
  };
}

/** The update that sets a claim: running, claim time, deadline and, when given, the lease. */
function claimSet(claim: JobClaim, token?: string): { expression: string; names: Record<string, string>; values: Record<string, unknown> } {
  const lease = claim.aliveUntil !== undefined;
  const tokenSet = token === undefined ? '' : ', #claimToken = :claimToken';
  return {
    expression: `SET #status = :running, #claimedAt = :claimedAt, #deadline = :deadline${lease ? ', #aliveUntil = :aliveUntil' : ''}${tokenSet}`,
    names: namesFor('#status', '#claimedAt', '#deadline', ...(lease ? (['#aliveUntil'] as const) : []), ...(token === undefined ? [] : (['#claimToken'] as const))),
    values: {
      ...(token === undefined ? {} : { ':claimToken': token }),
      ':running': 'running',
      ':claimedAt': claim.claimedAt,
      ':deadline': claim.deadline,
      ...(lease ? { ':aliveUntil': claim.aliveUntil } : {}),
    },
  };
}
