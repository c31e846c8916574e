import type { DbCopyArgs } from './args.js';
import { readCatalog, readMajorVersion, type Table } from './catalog.js';
import { ConnectionSet, type Connection } from './connections.js';
import { copyTable, selectRows, splitPages, type PageRange } from './copy-table.js';
import { resolveEndpoint, type Endpoint } from './endpoint.js';
import { DbCopyCancelled, DbCopyError, messageOf } from './errors.js';
import { buildPlan, describePlan, formatMegabytes, type Plan, type TableCopy } from './plan.js';
import { addNotValid, isAddedNotValid, parsePostData, type PostData, type PostDataEntry } from './post-data.js';
import { formatCount, formatSeconds, Progress, rate } from './progress.js';
import { createRedactor, type Redactor } from './redact.js';
import { cleanTarget, clearIncomplete, INCOMPLETE_MARK, listTargetObjects, markIncomplete, refuseNonEmptyTarget, refuseSameDatabase } from './safety.js';
import { schedulePostData, type PostDataSchedule } from './schedule.js';
import { readSequences, setSequences } from './sequences.js';
import { selectSubset, type Subset } from './subset.js';
import { applyScript, dumpSchema } from './tools.js';

/** What the command gets from its context, and the environment it reads secrets from. */
export interface RunContext {
  log: (chunk: string) => void;
  signal: AbortSignal;
  /** The environment secrets are read from and pg_dump and psql run with. */
  env: Readonly<Record<string, string | undefined>>;
  /** Databases only by the name of an environment variable (confined callers): a literal URL is refused. */
  namedOnly?: boolean;
}

/**
 * Session settings of every target connection: loading and index builds need no durability
 * wait and more memory; and no parallel workers of the server's own, since db-copy already
 * runs `jobs` builds and checks side by side (with them, a benchmark copy took 7.24 s
 * against 6.62 s, medians of 5: the extra processes compete for the same cores).
 */
const TARGET_SETTINGS = `SET synchronous_commit = off; SET maintenance_work_mem = '256MB'; SET max_parallel_maintenance_workers = 0; SET max_parallel_workers_per_gather = 0`;

/** Copies a database as the arguments say; resolves to the exit code, or throws a redacted DbCopyError. */
export async function runDbCopy(args: DbCopyArgs, context: RunContext): Promise<number> {
  const namedOnly = context.namedOnly === true;
  const source = resolveEndpoint('source', args.source, context.env, namedOnly);
  const target = resolveEndpoint('target', args.target, context.env, namedOnly);
  const maskKey = context.env[args.maskKeyEnv] || undefined;
  const redact = createRedactor([source.password, target.password, maskKey]);
  const log = (line: string) => context.log(`${redact(line)}\n`);
  const connections = new ConnectionSet(redact);
  const stop = new AbortController();
  const onAbort = () => {
    stop.abort(new DbCopyCancelled('the copy was cancelled'));
    void connections.abortAll();
  };
  context.signal.addEventListener('abort', onAbort, { once: true });
  const run = new CopyRun(args, { source, target, maskKey, redact, log, connections, signal: stop.signal });
  try {
    if (context.signal.aborted) throw new DbCopyCancelled('the copy was cancelled before it started');
    await run.execute();
    await connections.closeAll();
    return 0;
  } catch (error) {
    stop.abort(error);
    await connections.abortAll();
    const reason = context.signal.aborted ? 'cancelled' : 'failed';
    if (run.marked) log(`target ${target.display} left incomplete: its database comment says "${INCOMPLETE_MARK}"; rerun with clean: true to start over`);
    const message = error instanceof DbCopyError ? error.message : redact(`db-copy ${reason}: ${messageOf(error)}`);
    throw new DbCopyError(redact(context.signal.aborted ? `db-copy cancelled: ${message}` : message), { cause: error });
  } finally {
    context.signal.removeEventListener('abort', onAbort);
    run.progress.stop();
  }
}

interface Setup {
  source: Endpoint;
  target: Endpoint;
  maskKey: string | undefined;
  redact: Redactor;
  log: (line: string) => void;
  connections: ConnectionSet;
  signal: AbortSignal;
}

/** One copy, step by step: checks, snapshot, plan, schema, data with index builds, keys, sequences. */
class CopyRun {
  marked = false;
  readonly progress: Progress;
  /** The first failure of any worker: the others stop at their next step. */
  private failure: unknown;
  private readonly started = performance.now();

  constructor(
    private readonly args: DbCopyArgs,
    private readonly setup: Setup,
  ) {
    this.progress = new Progress(setup.log);
  }

  async execute(): Promise<void> {
    const { args, setup } = this;
    const { source, target, log, connections } = setup;
    log(`db-copy ${args.mode}: ${source.display} -> ${target.display}, ${args.jobs} jobs${args.dryRun ? ' (dry run)' : ''}`);
    const coordinator = await connections.connect(source, 'snapshot');
    const admin = await connections.connect(target, 'admin');
    await refuseSameDatabase(coordinator, admin);
    await coordinator.client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    const snapshot = (await coordinator.client.query<{ id: string }>('SELECT pg_export_snapshot() AS id')).rows[0]?.id ?? '';
    const sequences = await readSequences(coordinator.client);
    const catalog = await readCatalog(coordinator.client);
    log(`snapshot ${snapshot} of the source (PostgreSQL ${catalog.version})`);
    const plan = buildPlan(args, catalog, setup.maskKey, { binary: catalog.major === (await readMajorVersion(admin.client)) });
    for (const line of describePlan(plan)) log(line);
    const copied = plan.copies.map((copy) => copy.table);
    let subset: Subset | undefined;
    if (args.subset !== undefined) {
      const began = performance.now();
      subset = await selectSubset(coordinator.client, catalog, copied, args.subset, log);
      log(`subset selected on the source in ${formatSeconds((performance.now() - began) / 1000)}`);
    }
    if (args.dryRun) {
      const objects = await listTargetObjects(admin);
      if (objects.length > 0) log(`target holds ${objects.join(', ')}: ${args.clean ? 'clean would drop them' : 'the copy would be refused without clean'}`);
      log('dry run: nothing copied');
      return;
    }
    this.check();
    if (args.clean) {
      const dropped = await cleanTarget(admin);
      log(`clean: dropped schemas ${dropped.join(', ') || '(none)'} of the target and recreated public`);
    } else {
      await refuseNonEmptyTarget(admin, target.display);
    }
    await markIncomplete(admin, `started ${new Date().toISOString()} from ${source.display}`);
    this.marked = true;
    const exclude = plan.excluded.map((table) => table.key);
    const phases: string[] = [];
    const timed = async <T>(name: string, step: () => Promise<T>): Promise<T> => {
      const began = performance.now();
      const result = await step();
      phases.push(`${name} ${formatSeconds((performance.now() - began) / 1000)}`);
      return result;
    };
    const { postData, schedule } = await timed('schema', async () => {
      const began = performance.now();
      const [preData, postScript] = await Promise.all([
        dumpSchema(source, { section: 'pre-data', snapshot, exclude }, setup.redact, setup.signal),
        dumpSchema(source, { section: 'post-data', snapshot, exclude }, setup.redact, setup.signal),
      ]);
      await applyScript(target, preData, setup.redact, setup.signal);
      log(`schema: tables, types and sequences created in ${formatSeconds((performance.now() - began) / 1000)}`);
      const parsed = parsePostData(postScript);
      return { postData: parsed, schedule: schedulePostData(parsed.entries, copied, plan.excluded) };
    });
    for (const entry of schedule.skipped) log(`skipped ${entry.name}: it references the excluded table ${entry.foreignKey?.references}`);
    let began = performance.now();
    this.progress.startTicker(5_000);
    const keys = await timed('data, indexes and keys', () => this.copyData(plan, subset, snapshot, coordinator, postData, schedule, catalog.major));
    this.progress.stop();
    const dataSeconds = (performance.now() - began) / 1000;
    this.check();
    began = performance.now();
    await timed('late indexes', () => this.runEach(schedule.lateBuilds, postData, 'index'));
    await timed('foreign keys', () => this.addForeignKeys(admin, postData, keys.keys, keys));
    await timed('rest', async () => {
      await this.runSerially(admin, postData, schedule.rest);
      for (const table of catalog.tables.filter((t) => t.kind === 'matview' && !plan.excluded.includes(t))) {
        await admin.client.query(`REFRESH MATERIALIZED VIEW ${table.qualified}`);
      }
    });
    const set = await timed('sequences', () => setSequences(admin.client, sequences));
    log(`post-data: foreign keys, triggers and the rest in ${formatSeconds((performance.now() - began) / 1000)}; ${set} sequences set to the source's values`);
    log(`phases: ${phases.join(', ')}`);
    await clearIncomplete(admin);
    this.marked = false;
    const total = (performance.now() - this.started) / 1000;
    const { rows, bytes, tables } = this.progress;
    log(
      `done: ${tables} tables, ${formatCount(rows)} rows, ${formatMegabytes(bytes)} in ${formatSeconds(total)} (${rate(rows, total)} rows/s, ${(bytes / 1e6 / total).toFixed(1)} MB/s; data and indexes ${formatSeconds(dataSeconds)})`,
    );
  }

  /**
   * Streams every table with `jobs` workers, largest first; a table over `splitAboveMb`
   * and much bigger than its share of the data is read by several streams in page ranges
   * (so that one big table does not leave workers idle at the end); each table's indexes are built as soon as
   * all of its data is in, and a foreign key is added (NOT VALID, one at a time) and
   * validated as soon as both its tables are complete, while other tables still stream.
   * Returns the foreign keys left for after the data.
   */
  private async copyData(
    plan: Plan,
    subset: Subset | undefined,
    snapshot: string,
    coordinator: Connection,
    postData: PostData,
    schedule: PostDataSchedule,
    major: number,
  ): Promise<{ keys: PostDataEntry[]; added: number; validated: number }> {
    const { args } = this;
    const copies = subset === undefined ? plan.copies : plan.copies.filter((copy) => subset.selection.has(copy.table));
    // Page ranges need a TID range scan (PostgreSQL 14+) and a reader per stream (not a
    // subset's). A split table loads without FREEZE, so only a big one is worth it: a table
    // loaded whole is frozen and all-visible, which makes its index builds cheaper and its
    // keys checkable from the indexes alone (see MERGE_CHECK).
    const share = copies.reduce((sum, copy) => sum + copy.table.bytes, 0) / args.jobs;
    const splittable = subset === undefined && major >= 14 && args.jobs > 1;
    const queue: { copy: TableCopy; range?: PageRange }[] = copies.flatMap((copy) => {
      const big = copy.table.bytes > args.splitAboveMb * 1e6;
      const parts = splittable && big ? Math.min(args.jobs, Math.round(copy.table.bytes / share)) : 1;
      return parts > 1 ? splitPages(copy.table.bytes, parts).map((range) => ({ copy, range })) : [{ copy }];
    });
    // Each table goes through stages: its data (one item per page range), its index builds
    // (in parallel), the constraints made from those indexes (catalog only), then complete.
    const stages = new Map(plan.copies.map((copy) => [copy.table.qualified, [schedule.builds.get(copy.table.qualified) ?? [], schedule.attaches.get(copy.table.qualified) ?? []]]));
    const left = new Map(plan.copies.map((copy) => [copy.table.qualified, queue.filter((item) => item.copy === copy).length]));
    const complete = new Set<string>();
    const builds: PostDataEntry[] = [];
    const advance = (table: string) => {
      for (let next = stages.get(table)?.shift(); next !== undefined; next = stages.get(table)?.shift()) {
        if (next.length === 0) continue;
        left.set(table, next.length);
        builds.push(...next);
        return;
      }
      complete.add(table);
    };
    const done = (table: string | undefined) => {
      if (table === undefined) return;
      left.set(table, (left.get(table) ?? 1) - 1);
      if (left.get(table) === 0) advance(table);
    };
    // Tables a subset left empty need their indexes all the same.
    for (const copy of plan.copies) if (!copies.includes(copy)) advance(copy.table.qualified);
    let keys = schedule.foreignKeys.filter((key) => key.table !== undefined && key.foreignKey !== undefined && left.has(key.table) && left.has(key.foreignKey.references));
    const late = schedule.foreignKeys.filter((key) => !keys.includes(key));
    const early = { added: 0, validated: 0 };
    const readyKey = (): PostDataEntry | undefined => {
      const key = keys.find((entry) => complete.has(entry.table ?? '') && complete.has(entry.foreignKey?.references ?? ''));
      if (key !== undefined) keys = keys.filter((entry) => entry !== key);
      return key;
    };
    const addingLock = createLock();
    let running = 0;
    let wake: () => void = () => undefined;
    let changed = new Promise<void>((resolve) => (wake = resolve));
    const notify = () => {
      wake();
      changed = new Promise<void>((resolve) => (wake = resolve));
    };
    const sourceLock = createLock();
    const workers = Math.min(args.jobs, Math.max(1, queue.length + builds.length + [...schedule.builds.values()].flat().length));
    await this.inParallel(workers, async (index) => {
      const sourceConnection = subset === undefined ? await this.openSourceWorker(snapshot, index) : undefined;
      const targetConnection = await this.openTargetWorker(postData, index);
      for (;;) {
        this.check();
        const build = builds.shift();
        const key = build === undefined ? readyKey() : undefined;
        const item = build === undefined && key === undefined ? queue.shift() : undefined;
        if (build === undefined && key === undefined && item === undefined) {
          if (running === 0) break;
          await changed;
          continue;
        }
        running += 1;
        try {
          if (build !== undefined) {
            await this.runEntry(targetConnection, build);
            done(build.table);
          } else if (key !== undefined) {
            // ADD ... NOT VALID locks both tables (SHARE ROW EXCLUSIVE): one at a time, so
            // that two keys between the same tables (a cycle) cannot deadlock.
            await addingLock(() => this.runSql(targetConnection, addNotValid(key.sql), key));
            early.added += 1;
            await this.validateKey(targetConnection, key);
            if (validateSql(key) !== undefined) early.validated += 1;
          } else if (item !== undefined) {
            const { copy, range } = item;
            const selection = subset?.selection.get(copy.table)?.relation;
            const select = selectRows(copy, selection, range);
            const progress = this.progress.start(copy.table.key, range?.parts);
            if (sourceConnection !== undefined) {
              await copyTable(sourceConnection, targetConnection, copy, select, progress, range === undefined);
            } else {
              // A subset's selection lives in temp tables of the snapshot session: one reader at a time.
              await sourceLock(() => copyTable(coordinator, targetConnection, copy, select, progress));
            }
            done(copy.table.qualified);
          }
        } finally {
          running -= 1;
          notify();
        }
      }
      notify();
    });
    return { keys: [...keys, ...late], ...early };
  }

  private async openSourceWorker(snapshot: string, index: number): Promise<Connection> {
    const connection = await this.setup.connections.connect(this.setup.source, `reader ${index + 1}`);
    await connection.client.query(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT '${snapshot.replace(/'/g, "''")}'`);
    return connection;
  }

  private async openTargetWorker(postData: PostData, index: number): Promise<Connection> {
    const connection = await this.setup.connections.connect(this.setup.target, `writer ${index + 1}`);
    await connection.client.query(`${TARGET_SETTINGS}; ${postData.preamble}`);
    return connection;
  }

  /** Adds every foreign key NOT VALID (instant, one connection), then validates them in parallel. */
  private async addForeignKeys(admin: Connection, postData: PostData, keys: PostDataEntry[], early: { added: number; validated: number }): Promise<void> {
    if (keys.length + early.added === 0) return;
    const began = performance.now();
    await admin.client.query(`${TARGET_SETTINGS}; ${postData.preamble}`);
    const validate: PostDataEntry[] = [];
    for (const key of keys) {
      await this.runSql(admin, addNotValid(key.sql), key);
      if (validateSql(key) !== undefined) validate.push(key);
    }
    await this.drainOnWorkers(validate, postData, (connection, key) => this.validateKey(connection, key));
    const during = early.added > 0 ? ` (${early.added} of them while data still streamed)` : '';
    this.setup.log(`foreign keys: ${keys.length + early.added} added and ${validate.length + early.validated} validated${during} in ${formatSeconds((performance.now() - began) / 1000)}`);
  }

  private async validateKey(connection: Connection, key: PostDataEntry): Promise<void> {
    const sql = validateSql(key);
    if (sql === undefined) return;
    try {
      const [merge] = (await connection.client.query<{ merge: boolean }>(MERGE_CHECK, [key.table, key.foreignKey?.constraint])).rows;
      await connection.client.query(merge?.merge === true ? `SET enable_hashjoin = off; ${sql}; RESET enable_hashjoin` : sql);
    } catch (error) {
      throw new DbCopyError(`Could not validate a foreign key (${sql}): ${messageOf(error)}`, { cause: error });
    }
  }

  private async runEach(entries: PostDataEntry[], postData: PostData, what: string): Promise<void> {
    await this.drainOnWorkers(entries, postData, (connection, entry) => this.runEntry(connection, entry));
    if (entries.length > 0) this.setup.log(`${what}: ${entries.length} more built`);
  }

  /** Works through the items on up to `jobs` target connections of their own, in order of the list. */
  private async drainOnWorkers<T>(items: T[], postData: PostData, step: (connection: Connection, item: T) => Promise<void>): Promise<void> {
    const queue = [...items];
    await this.inParallel(Math.min(this.args.jobs, queue.length), async (index) => {
      const connection = await this.openTargetWorker(postData, index);
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
        this.check();
        await step(connection, item);
      }
      await this.setup.connections.close(connection);
    });
  }

  private async runSerially(admin: Connection, postData: PostData, entries: PostDataEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await admin.client.query(postData.preamble);
    for (const entry of entries) {
      this.check();
      await this.runEntry(admin, entry);
    }
  }

  private async runEntry(connection: Connection, entry: PostDataEntry): Promise<void> {
    await this.runSql(connection, entry.sql, entry);
  }

  private async runSql(connection: Connection, sql: string, entry: PostDataEntry): Promise<void> {
    try {
      await connection.client.query(sql);
    } catch (error) {
      throw new DbCopyError(`Could not create ${entry.type.toLowerCase()} ${entry.name}: ${messageOf(error)}`, { cause: error });
    }
  }

  /** Runs `count` workers; the first failure stops the others (their connections are cancelled). */
  private async inParallel(count: number, worker: (index: number) => Promise<void>): Promise<void> {
    let failure: unknown;
    await Promise.all(
      Array.from({ length: count }, (_, index) =>
        worker(index).catch(async (error: unknown) => {
          if (failure === undefined) {
            failure = error;
            this.failure ??= error;
            await this.setup.connections.abortAll();
          }
        }),
      ),
    );
    if (failure !== undefined) throw this.setup.signal.aborted && this.setup.signal.reason instanceof Error ? this.setup.signal.reason : failure;
  }

  private check(): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.setup.signal.aborted) throw this.setup.signal.reason instanceof Error ? this.setup.signal.reason : new DbCopyCancelled('the copy was cancelled');
    const broken = this.setup.connections.brokenBy;
    if (broken !== undefined) throw new DbCopyError(`A database connection broke: ${messageOf(broken)}`, { cause: broken });
  }
}

/**
 * Whether a foreign key's check (VALIDATE runs an anti-join of the table with the one it
 * references) is cheapest as a merge join of two index-only scans: when the referencing
 * columns lead a plain btree index and both tables are all-visible (loaded with FREEZE).
 * The planner's cost model still prefers a hash join there, which measured ~2.5x slower on
 * 2.4M rows (1.31 s against 0.53 s).
 */
const MERGE_CHECK = `
  SELECT EXISTS (
           SELECT FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
           WHERE i.indrelid = c.conrelid AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL AND am.amname = 'btree'
             AND (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)] @> c.conkey
             AND c.conkey @> (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)])
         AND (SELECT bool_and(t.relallvisible >= t.relpages * 0.95) FROM pg_class t WHERE t.oid IN (c.conrelid, c.confrelid)) AS merge
  FROM pg_constraint c WHERE c.conrelid = $1::regclass AND quote_ident(c.conname) = $2`;

/** The VALIDATE of a foreign key added NOT VALID by us (one the source holds NOT VALID stays so). */
function validateSql(key: PostDataEntry): string | undefined {
  if (isAddedNotValid(key.sql) || key.foreignKey === undefined) return undefined;
  return `ALTER TABLE ${key.table} VALIDATE CONSTRAINT ${key.foreignKey.constraint}`;
}

/** Runs the tasks given to it one at a time, in the order they come (a promise-chain mutex). */
function createLock(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const result = tail.then(task);
    tail = result.catch(() => undefined);
    return result;
  };
}

export type { Table };
