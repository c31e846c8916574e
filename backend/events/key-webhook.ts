import { randomBytes } from 'node:crypto';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { authItemId, hashAuthKey } from '../auth/key-hash.js';

// A key's webhook settings live on its own item, `auth.<hash>` (the auth table), as two
// attributes beside what the Go aws-exec writes: `webhook-secret` (`whsec_<base64>`, made by
// `aws-exec auth new` and rotated by `aws-exec auth webhook-secret`) and `notify-url` (the
// key's default webhook URL). The Go backend's reader ignores attributes that are no field
// of its struct (see auth/items.ts), so the item still works there.

/** The webhook attributes of a key item. */
export const KeyWebhookAttributes = z.object({
  'webhook-secret': z.string().startsWith('whsec_').optional(),
  'notify-url': z.string().optional(),
});

/** A key's webhook secret and default URL (either may be missing). */
export interface KeyWebhookSettings {
  secret?: string;
  url?: string;
}

/** Reads a key's webhook settings by the key itself (hashed, as the lookup does). */
export interface KeyWebhooks {
  read(key: string): Promise<KeyWebhookSettings>;
}

/**
 * A new webhook secret: 32 random bytes, base64, after `whsec_`, the form Standard Webhooks
 * uses (secrets of 24 to 64 bytes, https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#signature-scheme).
 */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The settings of a stored key item (nothing when it has none, or they are malformed). */
export function readKeyWebhookSettings(item: unknown): KeyWebhookSettings {
  const parsed = KeyWebhookAttributes.safeParse(item);
  if (!parsed.success) return {};
  return {
    ...(parsed.data['webhook-secret'] !== undefined ? { secret: parsed.data['webhook-secret'] } : {}),
    ...(parsed.data['notify-url'] !== undefined ? { url: parsed.data['notify-url'] } : {}),
  };
}

const MAX_CACHED = 1_000;

/**
 * Reads the settings from the key's item (a GetItem of `auth.<BLAKE2b hex>`), trusted for
 * `cacheMs` as the auth lookup trusts a key (AUTH_CACHE_MS): a rotated secret is used by warm
 * API processes within that time. Keys of our releases before Go-form keys (SHA-256) have none.
 */
export function createKeyWebhooks(deps: { ddb: DynamoDBDocumentClient; table: string; cacheMs: number; now?: () => number }): KeyWebhooks {
  const now = deps.now ?? Date.now;
  const cache = new Map<string, { settings: KeyWebhookSettings; until: number }>();
  return {
    async read(key) {
      const hash = hashAuthKey(key);
      const cached = cache.get(hash);
      if (cached && cached.until > now()) return cached.settings;
      const found = await deps.ddb.send(new GetCommand({ TableName: deps.table, Key: { id: authItemId(hash) }, ConsistentRead: true }));
      const settings = readKeyWebhookSettings(found.Item);
      if (deps.cacheMs > 0) {
        if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value ?? '');
        cache.set(hash, { settings, until: now() + deps.cacheMs });
      }
      return settings;
    },
  };
}
