import { z } from 'zod';

const BatchGetRequest = z.object({
  RequestItems: z.record(
    z.string(),
    z.looseObject({
      ProjectionExpression: z.string().optional(),
      ExpressionAttributeNames: z.record(z.string(), z.string()).optional(),
    }),
  ),
});
const BatchGetResult = z.looseObject({ UnprocessedKeys: z.record(z.string(), z.looseObject({})).optional() });

/**
 * Repeats each table's ProjectionExpression and ExpressionAttributeNames in a
 * BatchGetItem's UnprocessedKeys, as DynamoDB does so that a client can send them back
 * as they are; the engine repeats only AttributesToGet and ConsistentRead.
 */
export function completeUnprocessedKeys(request: Record<string, unknown>, result: Record<string, unknown>): Record<string, unknown> {
  const asked = BatchGetRequest.safeParse(request);
  const answered = BatchGetResult.safeParse(result);
  if (!asked.success || !answered.success || !answered.data.UnprocessedKeys) return result;
  for (const [tableName, unprocessed] of Object.entries(answered.data.UnprocessedKeys)) {
    const { ProjectionExpression, ExpressionAttributeNames } = asked.data.RequestItems[tableName] ?? {};
    if (ProjectionExpression !== undefined) unprocessed.ProjectionExpression = ProjectionExpression;
    if (ExpressionAttributeNames !== undefined) unprocessed.ExpressionAttributeNames = ExpressionAttributeNames;
  }
  return answered.data;
}
