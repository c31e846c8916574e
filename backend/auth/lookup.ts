import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { authNameOfKeyItem, authNameOfLegacyKeyItem } from './items.js';
import { authItemId, hashAuthKey, hashLegacyAuthKey } from './key-hash.js';

/** Finds whose a key is. */
export interface AuthLookup {
  /** The auth-name of the key's jobs (`<name>:<16 hex>`, or a legacy key's bare name), or undefined when the key is unknown. */
  findName(key: string): Promise<string | undefined>;
}

export interface AuthLookupDeps {
  ddb: DynamoDBDocumentClient;
  table: string;
  /** How long a found key is trusted without asking the table again. */
  cacheMs: number;
  now?: () => number;
}

const MAX_CACHED_KEYS = 1_000;

/**
 * Looks keys up by hash (the table never holds a key), so no compare of secret material
 * happens in our code. First by BLAKE2b, as the original's checkAuth does (a GetItem of
 * `auth.<blake2b hex>`, consistent read); only if that finds nothing, by SHA-256, for the
 * keys of our earlier releases. Those cannot be moved to BLAKE2b (only the SHA-256 of the
 * key is stored), so they are read where they are; the second read costs only those keys
 * and unknown keys (which then wait for the 401's fixed delay anyway).
 *
 * A found key is cached for `cacheMs` (default 30 s): every API request needs the
 * auth-name, and a table read per poll is most of a poll's latency; the price is that a
 * removed key keeps working that long in a warm process. Unknown keys are never cached,
 * so a new key works at once.
 */
export function createAuthLookup(deps: AuthLookupDeps): AuthLookup {
  const now = deps.now ?? Date.now;
  const cache = new Map<string, { authName: string; expiresAt: number }>();
  const readItem = async (id: string) =>
    (await deps.ddb.send(new GetCommand({ TableName: deps.table, Key: { id }, ConsistentRead: true }))).Item;
  return {
    async findName(key) {
      const hash = hashAuthKey(key);
      const cached = cache.get(hash);
      if (cached && cached.expiresAt > now()) return cached.authName;
      cache.delete(hash);
      const authName =
        authNameOfKeyItem(await readItem(authItemId(hash)), hash) ?? authNameOfLegacyKeyItem(await readItem(authItemId(hashLegacyAuthKey(key))));
      if (authName === undefined) return undefined;
      if (deps.cacheMs > 0) {
        if (cache.size >= MAX_CACHED_KEYS) cache.delete(cache.keys().next().value ?? '');
        cache.set(hash, { authName, expiresAt: now() + deps.cacheMs });
      }
      return authName;
    },
  };
}
