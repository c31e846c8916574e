import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AUTH_ID_PREFIX, SHARE_TOKEN_PREFIX } from '../../protocol/index.js';
import { authNameOfLegacyKeyItem, readKeyItem } from './items.js';
import { authItemId, hashAuthKey, hashLegacyAuthKey } from './key-hash.js';
import type { KeyPrincipal, Principal } from './principal.js';
import type { ShareStore } from './shares.js';

/** Finds whose an `auth` header is. */
export interface AuthLookup {
  /** The key or share link the value names, or undefined when it names none. */
  find(value: string): Promise<Principal | undefined>;
  /** The auth-name of a key (not a share link), or undefined when the key is unknown. */
  findName(key: string): Promise<string | undefined>;
  /**
   * Told that keys were removed from the table (`auth rm`): forgets each id whose item is
   * indeed gone, so this process refuses it at once; keeps (and returns) the others.
   */
  forgetRemoved(ids: readonly string[]): Promise<{ forgotten: string[]; stillPresent: string[] }>;
}

export interface AuthLookupDeps {
  ddb: DynamoDBDocumentClient;
  /** The auth table. */
  table: string;
  /** Share links (looked up when the value is a share token); without it no share link is known. */
  shares?: ShareStore;
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
 * A found key is cached for `cacheMs` (default 30 s): every API request needs it, and a
 * table read is most of a short request's latency; the price is that a removed key keeps
 * working that long in a warm process that was not told (`forgetRemoved`). Its expiry is
 * checked on every request whatever the cache holds. Unknown keys are never cached, so a
 * new key works at once; share links are never cached, so a revoked one is refused at once.
 */
export function createAuthLookup(deps: AuthLookupDeps): AuthLookup {
  const now = deps.now ?? Date.now;
  const cache = new Map<string, { principal: KeyPrincipal; expiresAt: number }>();
  const readItem = async (id: string) =>
    (await deps.ddb.send(new GetCommand({ TableName: deps.table, Key: { id }, ConsistentRead: true }))).Item;

  const readKey = async (key: string): Promise<KeyPrincipal | undefined> => {
    const hash = hashAuthKey(key);
    const grant = readKeyItem(await readItem(authItemId(hash)), hash);
    if (grant) {
      const { authName, scopes, scopeList, expiresAt, maxRunning } = grant;
      return { kind: 'key', id: authItemId(hash), hash, authName, scopes, scopeList, expiresAt, maxRunning };
    }
    const legacyHash = hashLegacyAuthKey(key);
    const legacyName = authNameOfLegacyKeyItem(await readItem(authItemId(legacyHash)));
    if (legacyName === undefined) return undefined;
    return {
      kind: 'key',
      id: authItemId(legacyHash),
      hash: legacyHash,
      authName: legacyName,
      scopes: undefined,
      scopeList: undefined,
      expiresAt: undefined,
      maxRunning: undefined,
    };
  };

  const findShare = async (token: string): Promise<Principal | undefined> => {
    const share = await deps.shares?.findShare(token);
    return share && { kind: 'share', id: share.id, uid: share.uid, authName: share.authName, expiresAt: share.expiresAt };
  };

  const findKey = async (key: string): Promise<KeyPrincipal | undefined> => {
    const hash = hashAuthKey(key);
    const cached = cache.get(hash);
    if (cached && cached.expiresAt > now()) return cached.principal;
    cache.delete(hash);
    const principal = await readKey(key);
    if (principal === undefined) return undefined;
    if (deps.cacheMs > 0) {
      if (cache.size >= MAX_CACHED_KEYS) cache.delete(cache.keys().next().value ?? '');
      cache.set(hash, { principal, expiresAt: now() + deps.cacheMs });
    }
    return principal;
  };

  return {
    find: (value) => (value.startsWith(SHARE_TOKEN_PREFIX) ? findShare(value) : findKey(value)),
    findName: async (key) => (key.startsWith(SHARE_TOKEN_PREFIX) ? undefined : (await findKey(key))?.authName),

    async forgetRemoved(ids) {
      const forgotten: string[] = [];
      const stillPresent: string[] = [];
      for (const given of ids) {
        const id = given.startsWith(AUTH_ID_PREFIX) ? given : `${AUTH_ID_PREFIX}${given}`;
        if ((await readItem(id)) !== undefined) {
          stillPresent.push(id);
          continue;
        }
        // The cache is keyed by the BLAKE2b hex; a legacy (SHA-256) key is found by its principal's id.
        cache.delete(id.slice(AUTH_ID_PREFIX.length));
        for (const [hash, entry] of cache) if (entry.principal.id === id) cache.delete(hash);
        forgotten.push(id);
      }
      return { forgotten, stillPresent };
    },
  };
}
