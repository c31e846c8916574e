import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { readSettings, type QueueAttributes, type QueueSettings } from '../queue-attributes.js';
import { openDatabase, type MessageRow, type SqsDatabase, type SqsStatements } from './db.js';

export type { CountsRow, DedupRow, MessageRow } from './db.js';

/** A queue as kept in memory (every request needs it): its row, its attributes read. */
export interface Queue {
  id: number;
  name: string;
  attributes: QueueAttributes;
  settings: QueueSettings;
  tags: Record<string, string>;
  createdMs: number;
  modifiedMs: number;
  /** When it was last purged (a second purge within 60 s is refused). */
  purgedMs: number | null;
}

const StringMap = z.record(z.string(), z.string());

/** The SQS state: queues in memory and in SQLite, messages in SQLite. */
export class SqsStore {
  private readonly byName = new Map<string, Queue>();
  private readonly byId = new Map<number, Queue>();
  private lastSeq: number;
  readonly sql: SqsStatements;

  private constructor(private readonly database: SqsDatabase) {
    this.sql = database.statements;
    for (const row of this.sql.allQueues.all()) {
      const queue = toQueue(row.id, row.name, parseStringMap(row.attributes), parseStringMap(row.tags), row.created_ms, row.modified_ms, row.purged_ms);
      this.remember(queue);
    }
    this.lastSeq = this.sql.maxSeq.get()?.seq ?? 0;
  }

  /** Opens the store in `dataDir` (created when missing). */
  static open(dataDir: string): SqsStore {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    return new SqsStore(openDatabase(join(dataDir, 'sqs.sqlite')));
  }

  /** Every queue, by name. */
  listQueues(): Queue[] {
    return [...this.byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The queue of this name, if it exists. */
  findQueue(name: string): Queue | undefined {
    return this.byName.get(name);
  }

  /** The queue of this id, if it (still) exists. */
  findQueueById(id: number): Queue | undefined {
    return this.byId.get(id);
  }

  /** Creates a queue with canonical attributes. */
  createQueue(name: string, attributes: QueueAttributes, tags: Record<string, string>, nowMs: number): Queue {
    const row = this.sql.insertQueue.get(name, JSON.stringify(attributes), JSON.stringify(tags), nowMs, nowMs);
    if (!row) throw new Error(`Expected the new queue ${name} to be returned by its INSERT`);
    const queue = toQueue(row.id, name, attributes, tags, nowMs, nowMs, null);
    this.remember(queue);
    return queue;
  }

  /** Replaces a queue's attributes. */
  setAttributes(queue: Queue, attributes: QueueAttributes, nowMs: number): void {
    this.sql.updateQueue.run(JSON.stringify(attributes), nowMs, queue.id);
    queue.attributes = attributes;
    queue.settings = readSettings(attributes);
    queue.modifiedMs = nowMs;
  }

  /** Replaces a queue's tags. */
  setTags(queue: Queue, tags: Record<string, string>): void {
    this.sql.setTags.run(JSON.stringify(tags), queue.id);
    queue.tags = tags;
  }

  /** Deletes a queue with its messages and deduplication records, in one transaction. */
  deleteQueue(queue: Queue): void {
    this.transaction(() => {
      this.sql.deleteQueueMessages.run(queue.id);
      this.sql.deleteQueueDedup.run(queue.id);
      this.sql.deleteQueue.run(queue.id);
    });
    this.byName.delete(queue.name);
    this.byId.delete(queue.id);
  }

  /** Deletes every message of a queue (in flight and delayed too) and its deduplication records. */
  purgeQueue(queue: Queue, nowMs: number): void {
    this.transaction(() => {
      this.sql.deleteQueueMessages.run(queue.id);
      this.sql.deleteQueueDedup.run(queue.id);
      this.sql.setPurged.run(nowMs, queue.id);
    });
    queue.purgedMs = nowMs;
  }

  /**
   * The next message sequence: increasing, and time-based (microseconds since the epoch,
   * or one more than the last) so that it keeps increasing across restarts without a
   * counter written on every send. A number below 2^53 until the year 2255.
   */
  nextSeq(nowMs: number): number {
    this.lastSeq = Math.max(this.lastSeq + 1, nowMs * 1000);
    return this.lastSeq;
  }

  /** Inserts messages in one transaction. */
  insertMessages(rows: readonly MessageRow[]): void {
    if (rows.length === 1) this.sql.insertMessage.run(rows[0]!);
    else this.transaction(() => rows.forEach((row) => this.sql.insertMessage.run(row)));
  }

  /** Runs `fn` in one transaction. */
  transaction<T>(fn: () => T): T {
    return this.database.db.transaction(fn)();
  }

  /** Closes the database. */
  close(): void {
    this.database.db.close();
  }

  private remember(queue: Queue): void {
    this.byName.set(queue.name, queue);
    this.byId.set(queue.id, queue);
  }
}

function toQueue(
  id: number,
  name: string,
  attributes: QueueAttributes,
  tags: Record<string, string>,
  createdMs: number,
  modifiedMs: number,
  purgedMs: number | null,
): Queue {
  return { id, name, attributes, settings: readSettings(attributes), tags, createdMs, modifiedMs, purgedMs };
}

function parseStringMap(text: string): Record<string, string> {
  const parsed = StringMap.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`Expected a stored string map, got ${text}: ${parsed.error.message}`);
  return parsed.data;
}
