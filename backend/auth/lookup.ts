import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { AUTH_ID_PREFIX, AuthName, hashAuthKey } from '../../protocol/index.js';

/** Finds the auth name a key belongs to. */
export interface AuthLookup {
  /** The key's name, or undefined when the key is unknown. */
  findName(key: string): Promise<string | undefined>;
}

export interface AuthLookupDeps {
  ddb: DynamoDBDocumentClient;
  table: string;
  /** How long a found key is trusted without asking the table again. */
  cacheMs: number;
  now?: () => number;
}

const KeyItem = z.object({ value: AuthName });
const MAX_CACHED_KEYS = 1_000;

/**
 * Looks keys up by their SHA-256 (the table never holds a key). The lookup is by hash, so
 * no compare of secret material happens in our code. A found key is cached for `cacheMs`
 * (default 30 s): every API request needs the name, and a table read per poll is most of
 * a poll's latency; the price is that a removed key keeps working that long in a warm
 * process. Unknown keys are never cached, so a new key works at once.
 */
export function createAuthLookup(deps: AuthLookupDeps): AuthLookup {
  const now = deps.now ?? Date.now;
  const cache = new Map<string, { name: string; expiresAt: number }>();
  return {
    async findName(key) {
      const hash = await hashAuthKey(key);
      const cached = cache.get(hash);
      if (cached && cached.expiresAt > now()) return cached.name;
      cache.delete(hash);
      const found = await deps.ddb.send(
        new GetCommand({ TableName: deps.table, Key: { id: `${AUTH_ID_PREFIX}${hash}` }, ConsistentRead: true }),
      );
      const item = KeyItem.safeParse(found.Item);
      if (!item.success) return undefined;
      if (deps.cacheMs > 0) {
        if (cache.size >= MAX_CACHED_KEYS) cache.delete(cache.keys().next().value ?? '');
        cache.set(hash, { name: item.data.value, expiresAt: now() + deps.cacheMs });
      }
      return item.data.value;
    },
  };
}
