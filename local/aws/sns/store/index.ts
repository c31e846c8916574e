import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { SubscriptionAttributes } from '../subscription-attributes.js';
import type { TopicAttributes } from '../topic-attributes.js';
import { isFifoName } from '../names.js';
import { openDatabase, type SnsDatabase, type SnsStatements, type SubscriptionRow } from './db.js';

export type { DedupRow, OutboxRow } from './db.js';

/** A tag of a topic. */
export interface TopicTag {
  Key: string;
  Value: string;
}

/** A topic as kept in memory (every request needs it). */
export interface Topic {
  name: string;
  fifo: boolean;
  attributes: TopicAttributes;
  tags: TopicTag[];
  createdMs: number;
  /** Its subscriptions (pending, confirmed and deleted), in order of creation. */
  subscriptions: Map<string, Subscription>;
}

/** The states of a subscription: HTTP/S ones are pending until confirmed; an unsubscribed one is kept as deleted for a while. */
export type SubscriptionState = 'pending' | 'confirmed' | 'deleted';

/** A subscription as kept in memory. */
export interface Subscription {
  id: string;
  topic: string;
  protocol: string;
  endpoint: string;
  attributes: SubscriptionAttributes;
  state: SubscriptionState;
  /** The confirmation token last sent (HTTP/S), and when. */
  token: string | null;
  tokenMs: number | null;
  /** ConfirmationWasAuthenticated: confirmed by a signed call (then unsubscribing needs one too). */
  authenticated: boolean;
  /** SubscriptionPrincipal: who subscribed. */
  principal: string;
  createdMs: number;
  deletedMs: number | null;
}

const StringMap = z.record(z.string(), z.string());
const Tags = z.array(z.object({ Key: z.string(), Value: z.string() }));
const State = z.enum(['pending', 'confirmed', 'deleted']);

/** The SNS state: topics and subscriptions in memory and in SQLite; the outbox and deduplication records in SQLite. */
export class SnsStore {
  private readonly topics = new Map<string, Topic>();
  private readonly byToken = new Map<string, Subscription>();
  readonly sql: SnsStatements;

  private constructor(private readonly database: SnsDatabase) {
    this.sql = database.statements;
    for (const row of this.sql.allTopics.all()) {
      this.topics.set(row.name, {
        name: row.name,
        fifo: isFifoName(row.name),
        attributes: parseStored(StringMap, row.attributes),
        tags: parseStored(Tags, row.tags),
        createdMs: row.created_ms,
        subscriptions: new Map(),
      });
    }
    const rows = this.sql.allSubscriptions.all().sort((a, b) => a.created_ms - b.created_ms || (a.id < b.id ? -1 : 1));
    for (const row of rows) {
      const topic = this.topics.get(row.topic);
      if (!topic) continue;
      const subscription = toSubscription(row);
      topic.subscriptions.set(subscription.id, subscription);
      if (subscription.token !== null) this.byToken.set(subscription.token, subscription);
    }
  }

  /** Opens the store in `dataDir` (created when missing). */
  static open(dataDir: string): SnsStore {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    return new SnsStore(openDatabase(join(dataDir, 'sns.sqlite')));
  }

  /** Every topic, by name. */
  listTopics(): Topic[] {
    return [...this.topics.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The topic of this name, if it exists. */
  findTopic(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  /** Creates a topic. */
  createTopic(name: string, attributes: TopicAttributes, tags: TopicTag[], nowMs: number): Topic {
    this.sql.insertTopic.run(name, JSON.stringify(attributes), JSON.stringify(tags), nowMs);
    const topic: Topic = { name, fifo: isFifoName(name), attributes, tags, createdMs: nowMs, subscriptions: new Map() };
    this.topics.set(name, topic);
    return topic;
  }

  /** Replaces a topic's attributes. */
  setTopicAttributes(topic: Topic, attributes: TopicAttributes): void {
    this.sql.updateTopicAttributes.run(JSON.stringify(attributes), topic.name);
    topic.attributes = attributes;
  }

  /** Replaces a topic's tags. */
  setTags(topic: Topic, tags: TopicTag[]): void {
    this.sql.updateTopicTags.run(JSON.stringify(tags), topic.name);
    topic.tags = tags;
  }

  /** Deletes a topic with its subscriptions and deduplication records, in one transaction. */
  deleteTopic(topic: Topic): void {
    this.transaction(() => {
      this.sql.deleteTopicSubscriptions.run(topic.name);
      this.sql.deleteTopicDedup.run(topic.name);
      this.sql.deleteTopic.run(topic.name);
    });
    for (const subscription of topic.subscriptions.values()) if (subscription.token !== null) this.byToken.delete(subscription.token);
    this.topics.delete(topic.name);
  }

  /** The subscription a confirmation token was sent for, if any. */
  findByToken(token: string): Subscription | undefined {
    return this.byToken.get(token);
  }

  /** Writes a (new or changed) subscription. */
  saveSubscription(subscription: Subscription): void {
    const topic = this.topics.get(subscription.topic);
    if (!topic) throw new Error(`Expected the topic ${subscription.topic} of subscription ${subscription.id} to exist`);
    this.sql.upsertSubscription.run(toRow(subscription));
    const previous = topic.subscriptions.get(subscription.id);
    if (previous?.token && previous.token !== subscription.token) this.byToken.delete(previous.token);
    topic.subscriptions.set(subscription.id, subscription);
    if (subscription.token !== null) this.byToken.set(subscription.token, subscription);
  }

  /** Forgets a subscription (and its token). */
  removeSubscription(subscription: Subscription): void {
    this.sql.deleteSubscription.run(subscription.id);
    this.topics.get(subscription.topic)?.subscriptions.delete(subscription.id);
    if (subscription.token !== null) this.byToken.delete(subscription.token);
  }

  /** Runs `fn` in one transaction. */
  transaction<T>(fn: () => T): T {
    return this.database.db.transaction(fn)();
  }

  /** Closes the database. */
  close(): void {
    this.database.db.close();
  }
}

function toSubscription(row: SubscriptionRow): Subscription {
  return {
    id: row.id,
    topic: row.topic,
    protocol: row.protocol,
    endpoint: row.endpoint,
    attributes: parseStored(StringMap, row.attributes),
    state: parseStored(State, JSON.stringify(row.state)),
    token: row.token,
    tokenMs: row.token_ms,
    authenticated: row.authenticated === 1,
    principal: row.principal,
    createdMs: row.created_ms,
    deletedMs: row.deleted_ms,
  };
}

function toRow(subscription: Subscription): SubscriptionRow {
  return {
    id: subscription.id,
    topic: subscription.topic,
    protocol: subscription.protocol,
    endpoint: subscription.endpoint,
    attributes: JSON.stringify(subscription.attributes),
    state: subscription.state,
    token: subscription.token,
    token_ms: subscription.tokenMs,
    authenticated: subscription.authenticated ? 1 : 0,
    principal: subscription.principal,
    created_ms: subscription.createdMs,
    deleted_ms: subscription.deletedMs,
  };
}

function parseStored<T extends z.ZodType>(schema: T, text: string): z.infer<T> {
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`Expected a stored SNS value, got ${text.slice(0, 200)}: ${parsed.error.message}`);
  return parsed.data;
}
