import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { AUTH_ID_PREFIX, AUTH_NAME_ID_PREFIX, AuthName, generateAuthKey, hashAuthKey } from '../../protocol/index.js';
import { scanItems } from '../aws/scan.js';
import { BadRequestError, ConflictError, awsErrorName } from '../errors.js';

// Two items per key: `auth.<sha256 of key>` → {value: name} (what a request looks up) and
// `auth-name.<name>` → {value: hash} (reserves the name, and finds the key to remove).

/** Where the auth items live. */
export interface AuthAdminDeps {
  ddb: DynamoDBDocumentClient;
  table: string;
}

/** A freshly created key; the key itself is shown once and stored only as a hash. */
export interface CreatedAuthKey {
  name: string;
  key: string;
}

/** One auth name as `auth ls` lists it. */
export interface AuthNameInfo {
  name: string;
  /** Epoch milliseconds. */
  createdAt: number;
}

const NameItem = z.object({ id: z.string(), value: z.string(), 'created-at': z.number() });

/** Creates a key for a new, unique name; refuses a name that already has one. */
export async function createAuthKey(deps: AuthAdminDeps, name: string): Promise<CreatedAuthKey> {
  const checked = AuthName.safeParse(name);
  if (!checked.success) throw new BadRequestError(`${checked.error.issues[0]?.message ?? 'Invalid auth name'}, got \`${name}\``);
  const key = generateAuthKey();
  const hash = await hashAuthKey(key);
  const createdAt = Date.now();
  try {
    await deps.ddb.send(
      new PutCommand({
        TableName: deps.table,
        Item: { id: `${AUTH_NAME_ID_PREFIX}${name}`, value: hash, 'created-at': createdAt },
        ConditionExpression: 'attribute_not_exists(id)',
      }),
    );
  } catch (error) {
    if (awsErrorName(error) === 'ConditionalCheckFailedException') {
      throw new ConflictError(`Expected a new auth name, but \`${name}\` already has a key (remove it first)`, { cause: error });
    }
    throw error;
  }
  try {
    await deps.ddb.send(
      new PutCommand({
        TableName: deps.table,
        Item: { id: `${AUTH_ID_PREFIX}${hash}`, value: name, 'created-at': createdAt },
        ConditionExpression: 'attribute_not_exists(id)',
      }),
    );
  } catch (error) {
    await deps.ddb.send(new DeleteCommand({ TableName: deps.table, Key: { id: `${AUTH_NAME_ID_PREFIX}${name}` } }));
    throw error;
  }
  return { name, key };
}

/** Lists every auth name with its creation time, sorted by name. */
export async function listAuthNames(deps: AuthAdminDeps): Promise<AuthNameInfo[]> {
  const names: AuthNameInfo[] = [];
  const items = scanItems(deps.ddb, {
    TableName: deps.table,
    FilterExpression: 'begins_with(id, :prefix)',
    ExpressionAttributeValues: { ':prefix': AUTH_NAME_ID_PREFIX },
    ConsistentRead: true,
  });
  for await (const item of items) {
    const parsed = NameItem.safeParse(item);
    if (parsed.success) names.push({ name: parsed.data.id.slice(AUTH_NAME_ID_PREFIX.length), createdAt: parsed.data['created-at'] });
  }
  return names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Removes the key of that name; false when there was none. */
export async function removeAuthKey(deps: AuthAdminDeps, name: string): Promise<boolean> {
  const nameId = `${AUTH_NAME_ID_PREFIX}${name}`;
  const found = await deps.ddb.send(new GetCommand({ TableName: deps.table, Key: { id: nameId }, ConsistentRead: true }));
  const parsed = NameItem.safeParse(found.Item);
  if (!parsed.success) return false;
  // The key item goes first: once it is gone no request authenticates, even if the second delete fails.
  await deps.ddb.send(new DeleteCommand({ TableName: deps.table, Key: { id: `${AUTH_ID_PREFIX}${parsed.data.value}` } }));
  await deps.ddb.send(new DeleteCommand({ TableName: deps.table, Key: { id: nameId } }));
  return true;
}
