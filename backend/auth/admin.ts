import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AUTH_ID_PREFIX, AuthName, LEGACY_AUTH_NAME_ID_PREFIX, formatJobAuthName, generateAuthKey } from '../../protocol/index.js';
import { scanItems } from '../aws/scan.js';
import { BadRequestError, ConflictError, awsErrorName } from '../errors.js';
import { AuthKeyItem, LegacyNameItem, authNameOfKeyItem, authNameOfLegacyKeyItem } from './items.js';
import { authItemId, hashAuthKey } from './key-hash.js';
import { generateWebhookSecret } from '../events/key-webhook.js';

// One item per key, as the original's auth-new writes it: `auth.<blake2b hex>` → {value:
// name} (plus our `created-at`). Names are labels, not identities: several keys may carry
// one name (the original allows it and its tables have them), and each key's jobs are its
// own (`<name>:<16 hex of its hash>`). See items.ts for every form of item.

/** Where the auth items live. */
export interface AuthAdminDeps {
  ddb: DynamoDBDocumentClient;
  table: string;
}

/** A freshly created key; the key itself is shown once and stored only as a hash. */
export interface CreatedAuthKey {
  name: string;
  key: string;
  /** The auth-name its jobs are filed under: `<name>:<16 hex>`. */
  authName: string;
  /** The secret its jobs' webhooks are signed with (`whsec_…`), shown once like the key. */
  webhookSecret: string;
}

/** One key as `auth ls` lists it. */
export interface AuthKeyInfo {
  /** The name it was created with (any string when the original's auth-new wrote it). */
  name: string;
  /** The auth-name of its jobs; undefined when the key cannot authenticate (an empty name). */
  authName: string | undefined;
  /** Its table id, `auth.<hash hex>`. */
  id: string;
  /** Epoch milliseconds; undefined for a key the original's auth-new wrote. */
  createdAt: number | undefined;
  /** A key of our releases before Go-form keys (stored as SHA-256; keeps its bare name as auth-name). */
  legacy: boolean;
}

/** Options of removeAuthKeys. */
export interface RemoveOptions {
  /** Remove every key of a name that has several (otherwise that is refused). */
  all?: boolean;
}

/** Creates a key for a name, stored as the original stores it; a name may have several keys. */
export async function createAuthKey(deps: AuthAdminDeps, name: string): Promise<CreatedAuthKey> {
  const checked = AuthName.safeParse(name);
  if (!checked.success) throw new BadRequestError(`${checked.error.issues[0]?.message ?? 'Invalid auth name'}, got \`${name}\``);
  const key = generateAuthKey();
  const hash = hashAuthKey(key);
  const webhookSecret = generateWebhookSecret();
  // The condition only guards against a hash collision (the original writes unconditionally).
  await deps.ddb.send(
    new PutCommand({
      TableName: deps.table,
      Item: { id: authItemId(hash), value: name, 'created-at': Date.now(), 'webhook-secret': webhookSecret },
      ConditionExpression: 'attribute_not_exists(id)',
    }),
  );
  return { name, key, authName: formatJobAuthName(name, hash), webhookSecret };
}

/**
 * Lists every key of the table, sorted by name then auth-name: those the original's
 * auth-new wrote, ours, and our earlier releases' (legacy). Like the original's auth-ls,
 * a Scan of the whole table.
 */
export async function listAuthKeys(deps: AuthAdminDeps): Promise<AuthKeyInfo[]> {
  const keyItems: AuthKeyItem[] = [];
  const legacyHashByName = new Map<string, string>();
  const items = scanItems(deps.ddb, {
    TableName: deps.table,
    FilterExpression: 'begins_with(id, :key) OR begins_with(id, :name)',
    ExpressionAttributeValues: { ':key': AUTH_ID_PREFIX, ':name': LEGACY_AUTH_NAME_ID_PREFIX },
    ConsistentRead: true,
  });
  for await (const item of items) {
    const keyItem = AuthKeyItem.safeParse(item);
    if (keyItem.success) {
      keyItems.push(keyItem.data);
      continue;
    }
    const nameItem = LegacyNameItem.safeParse(item);
    if (nameItem.success) legacyHashByName.set(nameItem.data.id.slice(LEGACY_AUTH_NAME_ID_PREFIX.length), nameItem.data.value);
  }
  return keyItems.map((item) => describeKey(item, legacyHashByName)).sort(compareKeys);
}

/**
 * Removes keys. `target` is, in this order of precedence: a key's id (`auth.<64 hex>` or
 * the 64 hex alone, as the original's auth-rm takes it); a key's auth-name as `auth ls`
 * shows it (`<name>:<16 hex>`); or a name, whose keys all go, which for a name with
 * several keys needs `all` (a ConflictError otherwise). Returns what was removed (empty
 * when nothing matched).
 */
export async function removeAuthKeys(deps: AuthAdminDeps, target: string, options: RemoveOptions = {}): Promise<AuthKeyInfo[]> {
  const keys = await listAuthKeys(deps);
  const matched = matchKeys(keys, target);
  if (matched.byName && matched.keys.length > 1 && !options.all) {
    const authNames = matched.keys.map((key) => key.authName ?? key.id).join(', ');
    throw new ConflictError(
      `Expected one key named \`${target}\`, found ${matched.keys.length} (${authNames}): remove one by its auth-name, or all of them with --all`,
    );
  }
  for (const key of matched.keys) await deleteKey(deps, key);
  return matched.keys;
}

function describeKey(item: AuthKeyItem, legacyHashByName: Map<string, string>): AuthKeyInfo {
  const hash = item.id.slice(AUTH_ID_PREFIX.length);
  // A legacy key is the one its release's `auth-name.<name>` item points back to.
  const legacyName = legacyHashByName.get(item.value) === hash ? authNameOfLegacyKeyItem(item) : undefined;
  return {
    name: item.value,
    authName: legacyName ?? authNameOfKeyItem(item, hash),
    id: item.id,
    createdAt: item['created-at'],
    legacy: legacyName !== undefined,
  };
}

function compareKeys(a: AuthKeyInfo, b: AuthKeyInfo): number {
  const byName = a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  return byName !== 0 ? byName : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function matchKeys(keys: AuthKeyInfo[], target: string): { keys: AuthKeyInfo[]; byName: boolean } {
  const asId = /^(auth\.)?[0-9a-f]{64}$/.test(target) ? (target.startsWith(AUTH_ID_PREFIX) ? target : `${AUTH_ID_PREFIX}${target}`) : undefined;
  const byId = keys.filter((key) => key.id === asId);
  if (byId.length > 0) return { keys: byId, byName: false };
  const byAuthName = keys.filter((key) => !key.legacy && key.authName === target);
  if (byAuthName.length > 0) return { keys: byAuthName, byName: false };
  return { keys: keys.filter((key) => key.name === target), byName: true };
}

/** Deletes a key's item, then (legacy keys) the name item that still points at it. */
async function deleteKey(deps: AuthAdminDeps, key: AuthKeyInfo): Promise<void> {
  // The key item goes first: once it is gone no request authenticates, even if the second delete fails.
  await deps.ddb.send(new DeleteCommand({ TableName: deps.table, Key: { id: key.id } }));
  if (!key.legacy) return;
  try {
    await deps.ddb.send(
      new DeleteCommand({
        TableName: deps.table,
        Key: { id: `${LEGACY_AUTH_NAME_ID_PREFIX}${key.name}` },
        ConditionExpression: '#value = :hash',
        ExpressionAttributeNames: { '#value': 'value' },
        ExpressionAttributeValues: { ':hash': key.id.slice(AUTH_ID_PREFIX.length) },
      }),
    );
  } catch (error) {
    if (awsErrorName(error) !== 'ConditionalCheckFailedException') throw error;
  }
}
