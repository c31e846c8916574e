import { LOCAL_ACCOUNT_ID } from '../iam/policy.js';
import type { Principal } from '../iam/principal.js';
import { accessDenied } from './errors.js';

/** An IAM action and the resource ARN it acts on. */
type Permission = readonly [action: string, resource: string];

// Operations that act on the table named by TableName, each needing the action of its own
// name (Service Authorization Reference, "Actions defined by Amazon DynamoDB").
const TABLE_OPERATIONS = new Set([
  'CreateTable',
  'DeleteTable',
  'DescribeTable',
  'UpdateTable',
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'DescribeTimeToLive',
  'UpdateTimeToLive',
]);

function tableArn(region: string, table: string): string {
  return `arn:aws:dynamodb:${region}:${LOCAL_ACCOUNT_ID}:table/${table}`;
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The permissions a DynamoDB request needs: `dynamodb:<Operation>` on the table's ARN (an
 * index's ARN `table/T/index/I` for Query and Scan on an index); the batch operations need
 * theirs on every table they name; ListTables acts on `table/*`, as AWS's denials of it say.
 * Undefined when the request does not name its resource (validation refuses it next).
 */
export function requiredPermissions(operation: string, body: Record<string, unknown>, region: string): Permission[] | undefined {
  const action = `dynamodb:${operation}`;
  const table = textOf(body.TableName);
  if (TABLE_OPERATIONS.has(operation)) return table === undefined ? undefined : [[action, tableArn(region, table)]];
  switch (operation) {
    case 'Query':
    case 'Scan': {
      if (table === undefined) return undefined;
      const index = textOf(body.IndexName);
      return [[action, index === undefined ? tableArn(region, table) : `${tableArn(region, table)}/index/${index}`]];
    }
    case 'BatchGetItem':
    case 'BatchWriteItem': {
      const items = body.RequestItems;
      if (typeof items !== 'object' || items === null || Array.isArray(items)) return undefined;
      return Object.keys(items).map((name) => [action, tableArn(region, name)] as const);
    }
    case 'ListTables':
      return [[action, `${tableArn(region, '*')}`]];
    case 'TagResource':
    case 'UntagResource':
    case 'ListTagsOfResource': {
      const arn = textOf(body.ResourceArn);
      return arn === undefined ? undefined : [[action, arn]];
    }
    default:
      return undefined;
  }
}

/** Refuses a request its caller's policies do not allow (400 AccessDeniedException, as DynamoDB). */
export function authorizeDynamoDb(principal: Principal, region: string, operation: string, body: Record<string, unknown>): void {
  for (const [action, resource] of requiredPermissions(operation, body, region) ?? []) {
    const denial = principal.authorize(action, resource);
    if (denial) throw accessDenied(denial);
  }
}
