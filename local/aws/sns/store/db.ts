import Database from 'better-sqlite3';

// Topics, subscriptions, the outbox of deliveries not yet made and the FIFO deduplication records,
// in one SQLite file (WAL, synchronous=NORMAL, exclusive lock, as the local SQS keeps its
// messages): a change is answered after its transaction committed, so it survives kill -9 of the
// process (not a power cut: nothing is fsynced).

const SCHEMA = `
CREATE TABLE IF NOT EXISTS topics (
  name TEXT PRIMARY KEY,
  attributes TEXT NOT NULL,
  tags TEXT NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS subscriptions (
  id TEXT PRIMARY KEY,
  topic TEXT NOT NULL,
  protocol TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  attributes TEXT NOT NULL,
  state TEXT NOT NULL,
  token TEXT,
  token_ms INTEGER,
  authenticated INTEGER NOT NULL,
  principal TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  deleted_ms INTEGER
);
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  due_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_by_due ON outbox (due_ms);
CREATE TABLE IF NOT EXISTS dedup (
  topic TEXT NOT NULL,
  key TEXT NOT NULL,
  expires_ms INTEGER NOT NULL,
  message_id TEXT NOT NULL,
  sequence TEXT NOT NULL,
  PRIMARY KEY (topic, key)
) WITHOUT ROWID;
`;

/** One topic's row. */
export interface TopicRow {
  name: string;
  /** JSON object of canonical attribute strings. */
  attributes: string;
  /** JSON array of {Key, Value}, in the order they were added. */
  tags: string;
  created_ms: number;
}

/** One subscription's row. */
export interface SubscriptionRow {
  id: string;
  topic: string;
  protocol: string;
  endpoint: string;
  /** JSON object of canonical attribute strings. */
  attributes: string;
  /** pending (HTTP/S until confirmed), confirmed, or deleted (unsubscribed; an UnsubscribeConfirmation's token may restore it). */
  state: string;
  token: string | null;
  token_ms: number | null;
  authenticated: number;
  principal: string;
  created_ms: number;
  deleted_ms: number | null;
}

/** One delivery waiting in the outbox. */
export interface OutboxRow {
  id: number;
  /** JSON of the delivery (see ../delivery/model.ts). */
  delivery: string;
  /** Attempts made so far. */
  attempt: number;
  due_ms: number;
}

/** A FIFO deduplication record. */
export interface DedupRow {
  message_id: string;
  sequence: string;
  expires_ms: number;
}

type Statement<P extends unknown[] | object, R = unknown> = Database.Statement<P, R>;

/** Every statement the store runs, prepared once at open. */
export interface SnsStatements {
  allTopics: Statement<[], TopicRow>;
  insertTopic: Statement<[string, string, string, number]>;
  updateTopicAttributes: Statement<[string, string]>;
  updateTopicTags: Statement<[string, string]>;
  deleteTopic: Statement<[string]>;
  allSubscriptions: Statement<[], SubscriptionRow>;
  upsertSubscription: Statement<SubscriptionRow>;
  deleteSubscription: Statement<[string]>;
  deleteTopicSubscriptions: Statement<[string]>;
  insertOutbox: Statement<[string, number, number]>;
  dueOutbox: Statement<[number, number], OutboxRow>;
  nextDue: Statement<[], { at: number | null }>;
  rescheduleOutbox: Statement<[number, number, number]>;
  deleteOutbox: Statement<[number]>;
  countOutbox: Statement<[], { count: number }>;
  getDedup: Statement<[string, string], DedupRow>;
  upsertDedup: Statement<[string, string, number, string, string]>;
  expireDedup: Statement<[number]>;
  deleteTopicDedup: Statement<[string]>;
}

/** The database and its prepared statements. */
export interface SnsDatabase {
  db: Database.Database;
  statements: SnsStatements;
}

/** Opens (creating when missing) the SNS database. One process per file: a second one fails at once. */
export function openDatabase(file: string): SnsDatabase {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('busy_timeout = 2000');
    db.exec(SCHEMA);
  } catch (error) {
    db.close();
    throw new Error(`Expected to open the SNS database ${file} (is another process using this data directory?)`, { cause: error });
  }
  return { db, statements: prepareStatements(db) };
}

const SUBSCRIPTION_COLUMNS = 'id, topic, protocol, endpoint, attributes, state, token, token_ms, authenticated, principal, created_ms, deleted_ms';

function prepareStatements(db: Database.Database): SnsStatements {
  return {
    allTopics: db.prepare('SELECT name, attributes, tags, created_ms FROM topics'),
    insertTopic: db.prepare('INSERT INTO topics (name, attributes, tags, created_ms) VALUES (?, ?, ?, ?)'),
    updateTopicAttributes: db.prepare('UPDATE topics SET attributes = ? WHERE name = ?'),
    updateTopicTags: db.prepare('UPDATE topics SET tags = ? WHERE name = ?'),
    deleteTopic: db.prepare('DELETE FROM topics WHERE name = ?'),
    allSubscriptions: db.prepare(`SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions`),
    upsertSubscription: db.prepare(
      `INSERT OR REPLACE INTO subscriptions (${SUBSCRIPTION_COLUMNS}) VALUES (@id, @topic, @protocol, @endpoint, @attributes, @state, @token, @token_ms, @authenticated, @principal, @created_ms, @deleted_ms)`,
    ),
    deleteSubscription: db.prepare('DELETE FROM subscriptions WHERE id = ?'),
    deleteTopicSubscriptions: db.prepare('DELETE FROM subscriptions WHERE topic = ?'),
    insertOutbox: db.prepare('INSERT INTO outbox (delivery, attempt, due_ms) VALUES (?, ?, ?)'),
    dueOutbox: db.prepare('SELECT id, delivery, attempt, due_ms FROM outbox WHERE due_ms <= ? ORDER BY due_ms, id LIMIT ?'),
    nextDue: db.prepare('SELECT MIN(due_ms) AS at FROM outbox'),
    rescheduleOutbox: db.prepare('UPDATE outbox SET attempt = ?, due_ms = ? WHERE id = ?'),
    deleteOutbox: db.prepare('DELETE FROM outbox WHERE id = ?'),
    countOutbox: db.prepare('SELECT COUNT(*) AS count FROM outbox'),
    getDedup: db.prepare('SELECT message_id, sequence, expires_ms FROM dedup WHERE topic = ? AND key = ?'),
    upsertDedup: db.prepare('INSERT OR REPLACE INTO dedup (topic, key, expires_ms, message_id, sequence) VALUES (?, ?, ?, ?, ?)'),
    expireDedup: db.prepare('DELETE FROM dedup WHERE expires_ms <= ?'),
    deleteTopicDedup: db.prepare('DELETE FROM dedup WHERE topic = ?'),
  };
}
