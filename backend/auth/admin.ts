import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CommandRegistry } from '../../cmd/registry.js';
import {
  AUTH_ID_PREFIX,
  AuthName,
  JobAuthName,
  LEGACY_AUTH_NAME_ID_PREFIX,
  formatJobAuthName,
  formatScopes,
  generateAuthKey,
  mayStartArgv,
  parseScopes,
  type ScopeSet,
} from '../../protocol/index.js';
import { scanItems } from '../aws/scan.js';
import { BadRequestError, ConflictError } from '../errors.js';
import { AuthKeyItem, LegacyNameItem, authNameOfLegacyKeyItem, readKeyItem } from './items.js';
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
  /** Its scopes; undefined: every right. */
  scopes: string[] | undefined;
  /** When it stops working, epoch ms. */
  expiresAt: number | undefined;
  /** Its own cap on jobs queued or running at once. */
  maxRunning: number | undefined;
}

/** What a new key may be limited to; without any of them it has every right (and works on the Go backend too). */
export interface NewKeyOptions {
  /** `exec`, `read`, `rpc:NAME[,NAME...]` (protocol/scopes.ts). */
  scopes?: readonly string[];
  /** When it stops working, epoch ms. */
  expiresAt?: number;
  /** Another key's auth-name (as `auth ls` shows it): the new key acts on that key's jobs. */
  authName?: string;
  /** Its own cap on jobs queued or running at once (0: none), instead of KEY_MAX_RUNNING_JOBS. */
  maxRunning?: number;
  /** The registered commands, to check `rpc:` names against (each must exist, and be confined for a key without `exec`). */
  registry?: CommandRegistry;
  now?: () => number;
}

/** How long after its expiry an expiring key's item stays in the table (DynamoDB TTL), so `auth ls` shows it expired. */
const EXPIRED_KEY_KEPT_SECONDS = 7 * 86_400;

/** Options of removeAuthKeys. */
export interface RemoveOptions {
  /** Remove every key of a name that has several (otherwise that is refused). */
  all?: boolean;
}

/**
 * Creates a key for a name; a name may have several keys. Without options it is stored as
 * the original stores it (every right; the Go backend accepts it too). With any limit it is
 * stored with an empty value and its name beside (see items.ts), so that the Go backend,
 * which knows no limits, refuses it rather than granting it every right.
 */
export async function createAuthKey(deps: AuthAdminDeps, name: string, options: NewKeyOptions = {}): Promise<CreatedAuthKey> {
  const checked = AuthName.safeParse(name);
  if (!checked.success) throw new BadRequestError(`${checked.error.issues[0]?.message ?? 'Invalid auth name'}, got \`${name}\``);
  const now = (options.now ?? Date.now)();
  const limits = await checkKeyOptions(deps, options, now);
  const key = generateAuthKey();
  const hash = hashAuthKey(key);
  const webhookSecret = generateWebhookSecret();
  // Every key gets a webhook secret (backend/events/key-webhook.ts: an attribute Go's reader ignores).
  const base = { 'created-at': now, 'webhook-secret': webhookSecret };
  const item = limits ? { id: authItemId(hash), value: '', name, ...limits, ...base } : { id: authItemId(hash), value: name, ...base };
  // The condition only guards against a hash collision (the original writes unconditionally).
  await deps.ddb.send(new PutCommand({ TableName: deps.table, Item: item, ConditionExpression: 'attribute_not_exists(id)' }));
  return { name, key, authName: options.authName ?? formatJobAuthName(name, hash), webhookSecret };
}

/** The limit attributes of a new key, checked; undefined when it has none. */
async function checkKeyOptions(deps: AuthAdminDeps, options: NewKeyOptions, now: number): Promise<Record<string, unknown> | undefined> {
  const limits: Record<string, unknown> = {};
  if (options.scopes !== undefined) {
    let scopes: ScopeSet;
    try {
      scopes = parseScopes(options.scopes);
    } catch (error) {
      throw new BadRequestError((error as Error).message, { cause: error });
    }
    if (options.scopes.length === 0) throw new BadRequestError('Expected at least one scope (`exec`, `read` or `rpc:NAME`); a key with every right takes no --scope');
    if (options.registry) checkRpcNames(scopes, options.registry);
    limits.scopes = formatScopes(scopes);
  }
  if (options.expiresAt !== undefined) {
    if (!Number.isSafeInteger(options.expiresAt) || options.expiresAt <= now) {
      throw new BadRequestError(`Expected an expiry in the future, got ${new Date(options.expiresAt).toISOString()}`);
    }
    limits['expires-at'] = options.expiresAt;
    limits.ttl = Math.ceil(options.expiresAt / 1000) + EXPIRED_KEY_KEPT_SECONDS;
  }
  if (options.maxRunning !== undefined) {
    if (!Number.isSafeInteger(options.maxRunning) || options.maxRunning < 0) {
      throw new BadRequestError(`Expected max-running to be a whole number of jobs (0: no cap), got ${options.maxRunning}`);
    }
    limits['max-running'] = options.maxRunning;
  }
  if (options.authName !== undefined) {
    const keys = await listAuthKeys(deps);
    if (!JobAuthName.safeParse(options.authName).success || !keys.some((key) => key.authName === options.authName)) {
      throw new BadRequestError(`Expected the auth-name of an existing key (as \`auth ls\` shows it), got \`${options.authName}\``);
    }
    limits['auth-name'] = options.authName;
  }
  return Object.keys(limits).length > 0 ? limits : undefined;
}

/** Each rpc: name must be registered, and, for a key without `exec`, a command that honours confinement. */
function checkRpcNames(scopes: ScopeSet, registry: CommandRegistry): void {
  for (const name of scopes.rpc) {
    const command = registry.find(name);
    if (!command) {
      throw new BadRequestError(`Expected rpc: to name registered commands (${registry.commands.map((entry) => entry.name).join(', ')}), got \`${name}\``);
    }
    if (!mayStartArgv(scopes) && command.confined !== true) {
      throw new BadRequestError(`The command ${name} does not declare that it honours confinement (\`confined: true\`), so only a key with the scope \`exec\` may run it`);
    }
  }
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
  const legacyName = item.value !== '' && legacyHashByName.get(item.value) === hash ? authNameOfLegacyKeyItem(item) : undefined;
  const grant = readKeyItem(item, hash);
  return {
    name: item.value !== '' ? item.value : (item.name ?? ''),
    authName: legacyName ?? grant?.authName,
    id: item.id,
    createdAt: item['created-at'],
    legacy: legacyName !== undefined,
    scopes: item.scopes,
    expiresAt: item['expires-at'],
    maxRunning: item['max-running'],
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
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}
