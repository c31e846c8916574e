import { z } from 'zod';
import type { Item, LevelDb } from './engine.js';

/**
 * TTL settings live in the same LevelDB as the tables, under a key prefix dynalite never
 * uses (its own are `table~`, `item-…~`, `index-…~`, `tag-…~`), so that enabling TTL is
 * as durable as a write and a table's data and its TTL setting cannot drift apart.
 */
const PREFIX = 'aws-exec-ttl~';

const StoredTtl = z.object({ attributeName: z.string().min(1).max(255) });

/** DynamoDB's TTL ignores expiry times more than five years in the past (see its TTL docs). */
const IGNORED_AFTER_SECONDS = 5 * 365 * 24 * 3600;

/** Which tables have TTL enabled, on which attribute; persisted in the store. */
export interface TtlSettings {
  /** The TTL attribute of a table, or undefined when TTL is disabled. */
  attributeOf(tableName: string): string | undefined;
  /** Whether any table has TTL enabled (lets the hot path skip all TTL work). */
  readonly isEmpty: boolean;
  /** Tables with TTL enabled and their attributes. */
  entries(): [tableName: string, attributeName: string][];
  enable(tableName: string, attributeName: string): Promise<void>;
  disable(tableName: string): Promise<void>;
}

/**
 * Loads the persisted TTL settings, dropping (with a message) any entry that does not parse.
 * `markSweepNeeded(true)` is called before a table's TTL is enabled and `(false)` once none is
 * (the endpoint then loads DynamoDB at start, for its TTL sweep: ../start-marker.ts).
 */
export async function loadTtlSettings(db: LevelDb, logError: (message: string) => void, markSweepNeeded: (needed: boolean) => void = () => {}): Promise<TtlSettings> {
  const byTable = new Map<string, string>();
  for await (const [key, value] of db.iterator({ gte: PREFIX, lt: `${PREFIX}\xff` })) {
    const parsed = StoredTtl.safeParse(value);
    const tableName = key.slice(PREFIX.length);
    if (parsed.success) byTable.set(tableName, parsed.data.attributeName);
    else logError(`local dynamodb: ignoring the unreadable TTL setting of table ${tableName}: ${parsed.error.message}`);
  }
  markSweepNeeded(byTable.size > 0);
  return {
    attributeOf: (tableName) => byTable.get(tableName),
    get isEmpty() {
      return byTable.size === 0;
    },
    entries: () => [...byTable.entries()],
    async enable(tableName, attributeName) {
      markSweepNeeded(true);
      await db.put(PREFIX + tableName, { attributeName });
      byTable.set(tableName, attributeName);
    },
    async disable(tableName) {
      await db.del(PREFIX + tableName);
      byTable.delete(tableName);
      markSweepNeeded(byTable.size > 0);
    },
  };
}

/** Whether a stored value has the shape of an item (an object of attribute values). */
export function isItem(value: unknown): value is Item {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether an item is past its TTL: its TTL attribute is a Number of epoch seconds
 * before `nowMs` (and, as on DynamoDB, not more than five years before it).
 */
export function isExpired(item: unknown, attributeName: string, nowMs: number): boolean {
  if (!isItem(item)) return false;
  const value = item[attributeName]?.N;
  if (typeof value !== 'string') return false;
  const seconds = Number(value);
  const nowSeconds = nowMs / 1000;
  return Number.isFinite(seconds) && seconds < nowSeconds && seconds > nowSeconds - IGNORED_AFTER_SECONDS;
}
