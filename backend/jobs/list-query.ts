import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { JOBS_BY_AUTH_NAME_INDEX, parseJobRecord, type JobRecord } from './record.js';
import type { JobPage, JobPosition, ListJobsOptions } from './store.js';

/**
 * Most index entries one listing call reads. Without a status filter a page reads `limit + 1`
 * entries; with one, records of other statuses are read and dropped (DynamoDB applies a
 * FilterExpression after reading), so a call stops after this many and answers with what
 * it found and a `next` position.
 */
export const LIST_READ_BUDGET = 1000;

const IndexKey = z.object({ id: z.string(), 'started-at': z.number() });

/**
 * Reads a page of one auth name's jobs from the table's `jobs-by-auth-name` index, newest
 * first: a Query on the name's partition (its cost grows with that name's jobs only, never
 * with other names'). Reads one entry past the page to know whether more follow, so the last
 * page has no `next`. Index reads are eventually consistent on DynamoDB (a global index
 * cannot be read consistently): a job started a moment ago may be missing for about a second.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.Reading
 */
export async function queryJobPage(ddb: DynamoDBDocumentClient, table: string, authName: string, options: ListJobsOptions): Promise<JobPage> {
  const { limit, statuses } = options;
  const records: JobRecord[] = [];
  let startKey: Record<string, unknown> | undefined = options.after ? indexKeyOf(authName, options.after) : undefined;
  let read = 0;
  const budget = Math.max(LIST_READ_BUDGET, limit + 1);
  for (;;) {
    const input: QueryCommandInput = {
      TableName: table,
      IndexName: JOBS_BY_AUTH_NAME_INDEX,
      KeyConditionExpression: '#authName = :authName',
      ExpressionAttributeNames: { '#authName': 'auth-name', ...(statuses ? { '#status': 'status' } : {}) },
      ExpressionAttributeValues: { ':authName': authName, ...statusValues(statuses) },
      ...(statuses ? { FilterExpression: `#status IN (${Object.keys(statusValues(statuses)).join(', ')})` } : {}),
      ScanIndexForward: false,
      Limit: Math.min(limit + 1 - records.length, budget - read),
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    };
    const page = await ddb.send(new QueryCommand(input));
    read += page.ScannedCount ?? page.Items?.length ?? 0;
    for (const item of page.Items ?? []) {
      const record = parseJobRecord(item);
      if (record) records.push(record);
    }
    startKey = page.LastEvaluatedKey;
    if (records.length > limit) {
      const last = records[limit - 1] as JobRecord;
      return { records: records.slice(0, limit), next: { startedAt: last['started-at'], id: last.id } };
    }
    if (startKey === undefined) return { records };
    if (read >= budget) return { records, next: positionOf(startKey) };
  }
}

/** The index's key of a position: the table key (`id`) and the index's keys. */
function indexKeyOf(authName: string, position: JobPosition): Record<string, unknown> {
  return { id: position.id, 'auth-name': authName, 'started-at': position.startedAt };
}

function positionOf(key: Record<string, unknown>): JobPosition {
  const parsed = IndexKey.safeParse(key);
  if (!parsed.success) throw new Error(`Expected the index's LastEvaluatedKey to hold id and started-at, got ${JSON.stringify(key)}`, { cause: parsed.error });
  return { startedAt: parsed.data['started-at'], id: parsed.data.id };
}

function statusValues(statuses: readonly string[] | undefined): Record<string, string> {
  return Object.fromEntries((statuses ?? []).map((status, index) => [`:status${index}`, status]));
}
