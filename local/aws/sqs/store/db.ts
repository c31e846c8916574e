import Database from 'better-sqlite3';

// Queues and messages in one SQLite file (WAL, synchronous=NORMAL, as the local S3 keeps its
// metadata): a SendMessage is answered after its INSERT has committed, so an acknowledged
// message survives kill -9 of the process (not a power cut: nothing is fsynced). Visibility is
// stored as the absolute time a message becomes visible again, so it keeps running across a
// restart, as on AWS. `seq` is the global order of messages (time-based, see store/index.ts).

const SCHEMA = `
CREATE TABLE IF NOT EXISTS queues (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  attributes TEXT NOT NULL,
  tags TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL,
  purged_ms INTEGER
);
CREATE TABLE IF NOT EXISTS messages (
  seq INTEGER PRIMARY KEY,
  queue_id INTEGER NOT NULL,
  message_id TEXT NOT NULL,
  body TEXT NOT NULL,
  md5_body TEXT NOT NULL,
  attributes TEXT,
  system TEXT,
  sender_id TEXT NOT NULL,
  sent_ms INTEGER NOT NULL,
  visible_ms INTEGER NOT NULL,
  receive_count INTEGER NOT NULL,
  first_receive_ms INTEGER,
  receipt TEXT,
  received_ms INTEGER,
  group_id TEXT,
  dedup_id TEXT
);
CREATE INDEX IF NOT EXISTS messages_by_visibility ON messages (queue_id, visible_ms, seq);
CREATE INDEX IF NOT EXISTS messages_by_seq ON messages (queue_id, seq);
CREATE TABLE IF NOT EXISTS dedup (
  queue_id INTEGER NOT NULL,
  key TEXT NOT NULL,
  expires_ms INTEGER NOT NULL,
  message_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (queue_id, key)
) WITHOUT ROWID;
`;

/** One queue's row. */
export interface QueueRow {
  id: number;
  name: string;
  /** JSON object of canonical attribute strings. */
  attributes: string;
  /** JSON object of tags. */
  tags: string;
  created_ms: number;
  modified_ms: number;
  purged_ms: number | null;
}

/** One message's row. */
export interface MessageRow {
  seq: number;
  queue_id: number;
  message_id: string;
  body: string;
  md5_body: string;
  /** JSON object of message attributes, null when there are none. */
  attributes: string | null;
  /** JSON object of system attributes (AWSTraceHeader, DeadLetterQueueSourceArn), null when none. */
  system: string | null;
  sender_id: string;
  sent_ms: number;
  visible_ms: number;
  receive_count: number;
  first_receive_ms: number | null;
  /** The nonce of the latest receipt handle, null until first received. */
  receipt: string | null;
  /** When the latest receipt was issued. */
  received_ms: number | null;
  group_id: string | null;
  dedup_id: string | null;
}

/** A deduplication record of a FIFO queue. */
export interface DedupRow {
  message_id: string;
  seq: number;
  expires_ms: number;
}

/** The message counts GetQueueAttributes reports. */
export interface CountsRow {
  visible: number;
  inflight: number;
  delayed: number;
}

/** Which messages a receive may take: of this queue, visible now, sent after the retention cutoff, at most `limit`. */
export interface ReceivableParams {
  queue: number;
  now: number;
  cutoff: number;
  limit: number;
}

type Statement<P extends unknown[] | object, R = unknown> = Database.Statement<P, R>;

/** Every statement the store runs, prepared once at open. */
export interface SqsStatements {
  allQueues: Statement<[], QueueRow>;
  insertQueue: Statement<[string, string, string, number, number], QueueRow>;
  updateQueue: Statement<[string, number, number]>;
  setPurged: Statement<[number, number]>;
  setTags: Statement<[string, number]>;
  deleteQueue: Statement<[number]>;
  deleteQueueMessages: Statement<[number]>;
  deleteQueueDedup: Statement<[number]>;
  maxSeq: Statement<[], { seq: number | null }>;
  insertMessage: Statement<MessageRow>;
  getMessage: Statement<[number, number], MessageRow>;
  receivableStandard: Statement<ReceivableParams, MessageRow>;
  receivableFifo: Statement<ReceivableParams, MessageRow>;
  markReceived: Statement<{ visible: number; now: number; receipt: string; seq: number }>;
  setVisibility: Statement<[number, number]>;
  deleteMessage: Statement<[number]>;
  counts: Statement<{ queue: number; now: number; cutoff: number }, CountsRow>;
  nextVisible: Statement<[number, number], { at: number | null }>;
  expireMessages: Statement<[number, number]>;
  getDedup: Statement<[number, string], DedupRow>;
  upsertDedup: Statement<[number, string, number, string, number]>;
  expireDedup: Statement<[number]>;
}

/** The database and its prepared statements. */
export interface SqsDatabase {
  db: Database.Database;
  statements: SqsStatements;
}

/** Opens (creating when missing) the SQS database. One process per file: a second one fails at once. */
export function openDatabase(file: string): SqsDatabase {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('busy_timeout = 2000');
    db.exec(SCHEMA);
  } catch (error) {
    db.close();
    throw new Error(`Expected to open the SQS database ${file} (is another process using this data directory?)`, { cause: error });
  }
  return { db, statements: prepareStatements(db) };
}

const MESSAGE_COLUMNS =
  'seq, queue_id, message_id, body, md5_body, attributes, system, sender_id, sent_ms, visible_ms, receive_count, first_receive_ms, receipt, received_ms, group_id, dedup_id';

function prepareStatements(db: Database.Database): SqsStatements {
  return {
    allQueues: db.prepare('SELECT id, name, attributes, tags, created_ms, modified_ms, purged_ms FROM queues'),
    insertQueue: db.prepare(
      'INSERT INTO queues (name, attributes, tags, created_ms, modified_ms) VALUES (?, ?, ?, ?, ?) RETURNING id, name, attributes, tags, created_ms, modified_ms, purged_ms',
    ),
    updateQueue: db.prepare('UPDATE queues SET attributes = ?, modified_ms = ? WHERE id = ?'),
    setPurged: db.prepare('UPDATE queues SET purged_ms = ? WHERE id = ?'),
    setTags: db.prepare('UPDATE queues SET tags = ? WHERE id = ?'),
    deleteQueue: db.prepare('DELETE FROM queues WHERE id = ?'),
    deleteQueueMessages: db.prepare('DELETE FROM messages WHERE queue_id = ?'),
    deleteQueueDedup: db.prepare('DELETE FROM dedup WHERE queue_id = ?'),
    maxSeq: db.prepare('SELECT MAX(seq) AS seq FROM messages'),
    insertMessage: db.prepare(
      `INSERT INTO messages (${MESSAGE_COLUMNS}) VALUES (@seq, @queue_id, @message_id, @body, @md5_body, @attributes, @system, @sender_id, @sent_ms, @visible_ms, @receive_count, @first_receive_ms, @receipt, @received_ms, @group_id, @dedup_id)`,
    ),
    getMessage: db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE seq = ? AND queue_id = ?`),
    receivableStandard: db.prepare(
      `SELECT ${MESSAGE_COLUMNS} FROM messages INDEXED BY messages_by_visibility WHERE queue_id = @queue AND visible_ms <= @now AND sent_ms > @cutoff ORDER BY visible_ms, seq LIMIT @limit`,
    ),
    // FIFO: in order of sending, skipping every group that has a message in flight.
    receivableFifo: db.prepare(
      `SELECT ${MESSAGE_COLUMNS} FROM messages INDEXED BY messages_by_seq WHERE queue_id = @queue AND visible_ms <= @now AND sent_ms > @cutoff
       AND group_id NOT IN (SELECT group_id FROM messages INDEXED BY messages_by_visibility WHERE queue_id = @queue AND visible_ms > @now AND receive_count > 0)
       ORDER BY seq LIMIT @limit`,
    ),
    markReceived: db.prepare(
      'UPDATE messages SET visible_ms = @visible, receive_count = receive_count + 1, first_receive_ms = COALESCE(first_receive_ms, @now), receipt = @receipt, received_ms = @now WHERE seq = @seq',
    ),
    setVisibility: db.prepare('UPDATE messages SET visible_ms = ? WHERE seq = ?'),
    deleteMessage: db.prepare('DELETE FROM messages WHERE seq = ?'),
    counts: db.prepare(
      `SELECT COALESCE(SUM(visible_ms <= @now), 0) AS visible, COALESCE(SUM(visible_ms > @now AND receive_count > 0), 0) AS inflight,
       COALESCE(SUM(visible_ms > @now AND receive_count = 0), 0) AS delayed FROM messages WHERE queue_id = @queue AND sent_ms > @cutoff`,
    ),
    nextVisible: db.prepare('SELECT MIN(visible_ms) AS at FROM messages WHERE queue_id = ? AND visible_ms > ?'),
    expireMessages: db.prepare('DELETE FROM messages WHERE queue_id = ? AND sent_ms <= ?'),
    getDedup: db.prepare('SELECT message_id, seq, expires_ms FROM dedup WHERE queue_id = ? AND key = ?'),
    upsertDedup: db.prepare('INSERT OR REPLACE INTO dedup (queue_id, key, expires_ms, message_id, seq) VALUES (?, ?, ?, ?, ?)'),
    expireDedup: db.prepare('DELETE FROM dedup WHERE expires_ms <= ?'),
  };
}
