/**
 * db-copy versus `pg_dump | psql`, side by side on one generated multi-tenant database
 * (>= 300 MB, 200 tenants, 10 foreign keys) in a throwaway cluster:
 *
 *   npm run bench:db-copy        (= npm run build && node --import tsx bench/db-copy.ts)
 *
 * Prints seconds, MB/s, rows/s and the ratios the issue targets: identical >= 1.5x faster
 * than pg_dump | psql; masked >= 250k rows/s per masked column and <= 1.5x identical's
 * time; a subset of 3 of 200 tenants <= 5 s including FK validation.
 */
import { spawn } from 'node:child_process';
import pg from 'pg';
import type { MaskRule } from '../cmd/db-copy/args.js';
import { CopyOutFrames } from '../cmd/db-copy/copy-frames.js';
import { CopyBinaryMasker } from '../cmd/db-copy/mask-binary.js';
import { compileRule, createKeyedHash, type FieldFormat } from '../cmd/db-copy/mask-rules.js';
import { CopyTextMasker } from '../cmd/db-copy/mask-stream.js';
import { DbCopyArgs } from '../cmd/db-copy/args.js';
import type { runDbCopy as runDbCopySource } from '../cmd/db-copy/run.js';
import { startTestPostgres, PG_PASSWORD, type TestPostgres } from '../test/helpers/postgres.js';

// db-copy as users run it: the build in dist/ (npm run bench:db-copy builds first). Its mask
// workers then load plain JavaScript; from the TypeScript sources each would register tsx.
const { runDbCopy } = (await import(new URL('../dist/cmd/db-copy/run.js', import.meta.url).href)) as { runDbCopy: typeof runDbCopySource };

const TENANTS = 200;
const SCALE = Number(process.env.BENCH_SCALE ?? 1);

const SCHEMA = `
CREATE TABLE tenants (id serial PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), owner_id bigint);
CREATE TABLE users (id bigserial PRIMARY KEY, tenant_id int NOT NULL REFERENCES tenants, email text NOT NULL UNIQUE, full_name text NOT NULL, phone text,
  manager_id bigint REFERENCES users, created_at timestamptz NOT NULL);
ALTER TABLE tenants ADD FOREIGN KEY (owner_id) REFERENCES users;
CREATE TABLE projects (id serial PRIMARY KEY, tenant_id int NOT NULL REFERENCES tenants, name text NOT NULL);
CREATE TABLE tasks (id bigserial PRIMARY KEY, tenant_id int NOT NULL REFERENCES tenants, project_id int NOT NULL REFERENCES projects,
  assignee_id bigint REFERENCES users, title text NOT NULL, notes text, created_at timestamptz NOT NULL);
CREATE TABLE comments (id bigserial PRIMARY KEY, task_id bigint NOT NULL REFERENCES tasks, author_id bigint NOT NULL REFERENCES users, body text NOT NULL);
CREATE TABLE invitations (id serial PRIMARY KEY, tenant_id int NOT NULL REFERENCES tenants, email text NOT NULL);
CREATE INDEX ON users (tenant_id); CREATE INDEX ON projects (tenant_id); CREATE INDEX ON tasks (tenant_id); CREATE INDEX ON tasks (project_id);
CREATE INDEX ON tasks (assignee_id); CREATE INDEX ON comments (task_id); CREATE INDEX ON comments (author_id);
`;

const USERS = 500 * SCALE;
const PROJECTS = 50;
const TASKS = Math.round(6_000 * SCALE);
const COMMENTS_PER_TASK = 2;

const FILL = `
INSERT INTO tenants (name) SELECT 'tenant ' || t FROM generate_series(1, ${TENANTS}) t;
INSERT INTO users (tenant_id, email, full_name, phone, created_at)
  SELECT t, 'user' || t || '-' || u || '@example.org', 'Full Name ' || t || ' ' || u, '+49 30 ' || (t * 100000 + u), now() - u * interval '1 minute'
  FROM generate_series(1, ${TENANTS}) t, generate_series(1, ${USERS}) u ORDER BY t, u;
UPDATE tenants SET owner_id = (SELECT min(id) FROM users WHERE tenant_id = tenants.id);
UPDATE users SET manager_id = id - 1 WHERE id % 10 <> 1; -- chains of 10 inside a tenant (a self-reference)
INSERT INTO projects (tenant_id, name) SELECT t, 'project ' || p FROM generate_series(1, ${TENANTS}) t, generate_series(1, ${PROJECTS}) p ORDER BY t, p;
INSERT INTO tasks (tenant_id, project_id, assignee_id, title, notes, created_at)
  SELECT t, (t - 1) * ${PROJECTS} + 1 + k % ${PROJECTS}, (t - 1) * ${USERS} + 1 + k % ${USERS}, 'task ' || k || ' of tenant ' || t,
         CASE WHEN k % 3 = 0 THEN NULL ELSE repeat(md5(k::text), 2) || E'\\twith a tab' END, now() - k * interval '1 second'
  FROM generate_series(1, ${TENANTS}) t, generate_series(1, ${TASKS}) k ORDER BY t, k;
INSERT INTO comments (task_id, author_id, body)
  SELECT id, assignee_id, 'comment ' || c || ' ' || md5(id::text || c) FROM tasks, generate_series(1, ${COMMENTS_PER_TASK}) c;
INSERT INTO invitations (tenant_id, email) SELECT tenant_id, email FROM users WHERE id % 7 = 0;
`;

interface Figure {
  name: string;
  runs: number[];
  rows: number;
}

interface Copy {
  seconds: number;
  log: string;
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/**
 * The throwaway cluster's settings, the same for every method: `fast` (the default) turns
 * durability off as the tests do; `durable` keeps PostgreSQL's own fsync, synchronous_commit
 * and full_page_writes, as a real target server has them.
 */
function clusterSettings(kind = 'fast'): Record<string, string> {
  const shared = { max_wal_size: '8GB', checkpoint_timeout: '30min', shared_buffers: '512MB' };
  if (kind === 'fast') return shared;
  if (kind === 'durable') return { ...shared, fsync: 'on', synchronous_commit: 'on', full_page_writes: 'on' };
  throw new Error(`Expected BENCH_PG_SETTINGS to be fast or durable, got \`${kind}\``);
}

async function main(): Promise<void> {
  const cluster = await startTestPostgres({ settings: clusterSettings(process.env.BENCH_PG_SETTINGS) });
  console.log(`cluster settings (${process.env.BENCH_PG_SETTINGS ?? 'fast'}): ${Object.entries(clusterSettings(process.env.BENCH_PG_SETTINGS)).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  try {
    const began = performance.now();
    await cluster.createDatabase('src');
    await cluster.query('src', SCHEMA);
    await cluster.query('src', FILL);
    await cluster.query('src', 'VACUUM ANALYZE');
    const [size] = await cluster.query<{ bytes: string; rows: string }>(
      'src',
      `SELECT pg_database_size('src')::text AS bytes, (SELECT sum(n_live_tup) FROM pg_stat_user_tables)::text AS rows`,
    );
    const bytes = Number(size?.bytes);
    const rows = Number(size?.rows);
    console.log(`generated ${(bytes / 1e6).toFixed(0)} MB (${rows.toLocaleString('en-US')} rows, ${TENANTS} tenants, 10 foreign keys) in ${seconds(began)} s`);
    const mask = [
      { table: 'users', column: 'email', rule: 'email' },
      { table: 'users', column: 'full_name', rule: 'name' },
      { table: 'invitations', column: 'email', rule: 'email' },
      { table: 'tasks', column: 'notes', rule: 'partial', keep: 4 },
      { table: 'comments', column: 'body', rule: 'hash' },
    ];
    // The three whole copies in turn, ROUNDS times: the machine's speed drifts, so each
    // ratio is taken within a round and the median of the rounds is quoted.
    const rounds: { dump: number; identical: Copy; masked: Copy }[] = [];
    // Each copy is dropped as soon as it is timed: left in place, autovacuum would vacuum
    // it (pg_dump | psql's tables are not frozen) while the next copy is being timed.
    const drop = (name: string) => cluster.query('postgres', `DROP DATABASE "${name}"`);
    for (let round = 1; round <= ROUNDS; round++) {
      const dump = await timeDump(cluster, `dump_${round}`);
      await drop(`dump_${round}`);
      const identical = await timeCopy(cluster, `identical_${round}`, { mode: 'identical' });
      await drop(`identical_${round}`);
      const masked = await timeCopy(cluster, `masked_${round}`, { mode: 'masked', mask }, { DB_COPY_MASK_KEY: 'bench-key' });
      await drop(`masked_${round}`);
      rounds.push({ dump, identical, masked });
      console.log(
        `round ${round}: pg_dump | psql ${dump.toFixed(2)} s, identical ${identical.seconds.toFixed(2)} s (${(dump / identical.seconds).toFixed(2)}x faster), masked ${masked.seconds.toFixed(2)} s (${(masked.seconds / identical.seconds).toFixed(2)}x identical's time)`,
      );
    }
    const subset = await timeCopy(cluster, 'subset', { mode: 'subset', subset: { roots: [{ table: 'tenants', where: 'id in (7, 99, 150)' }], depth: 4 } });
    const [subsetRows] = await cluster.query<{ rows: string }>('subset', `SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM tasks) + (SELECT count(*) FROM comments) + (SELECT count(*) FROM projects) + (SELECT count(*) FROM invitations) + (SELECT count(*) FROM tenants) AS rows`);

    const figures: Figure[] = [
      { name: 'pg_dump | psql', runs: rounds.map((r) => r.dump), rows },
      { name: 'db-copy identical', runs: rounds.map((r) => r.identical.seconds), rows },
      { name: 'db-copy masked', runs: rounds.map((r) => r.masked.seconds), rows },
      { name: 'db-copy subset 3/200 tenants', runs: [subset.seconds], rows: Number(subsetRows?.rows) },
    ];
    const faster = median(rounds.map((r) => r.dump / r.identical.seconds));
    const maskedRatio = median(rounds.map((r) => r.masked.seconds / r.identical.seconds));
    console.log('');
    console.log(`medians of ${ROUNDS} rounds (min-max):`);
    console.log(`${'method'.padEnd(30)} ${'seconds'.padStart(8)} ${'min-max'.padStart(13)} ${'MB/s'.padStart(8)} ${'rows/s'.padStart(11)}`);
    for (const figure of figures) {
      const time = median(figure.runs);
      const mbps = figure.name.includes('subset') ? '-' : (bytes / 1e6 / time).toFixed(1);
      const spread = `${Math.min(...figure.runs).toFixed(2)}-${Math.max(...figure.runs).toFixed(2)}`;
      console.log(`${figure.name.padEnd(30)} ${time.toFixed(2).padStart(8)} ${spread.padStart(13)} ${mbps.padStart(8)} ${Math.round(figure.rows / time).toLocaleString('en-US').padStart(11)}`);
    }
    const last = rounds.at(-1);
    console.log('');
    console.log('where the time goes (each phase of each copy of the last round, from its log):');
    for (const [name, copy] of [['identical', last?.identical], ['masked', last?.masked], ['subset', subset]] as const) {
      console.log(`  ${name.padEnd(9)} ${/^phases: (.*)$/m.exec(copy?.log ?? '')?.[1] ?? 'no phases line in the log'}`);
    }
    console.log('');
    console.log('masked tables of the last round (rows/s of each table copy, each masked column processes every row):');
    for (const line of maskedRates(last?.masked.log ?? '', mask)) console.log(`  ${line}`);
    console.log('');
    console.log('masker alone, in this process, on 500,000 rows of comments read from the source as db-copy reads them (whole CopyData messages), one masked column:');
    for (const line of await measureMasker(cluster)) console.log(`  ${line}`);
    console.log('');
    console.log(`target identical >= 1.5x faster than pg_dump | psql: ${faster.toFixed(2)}x (median of the rounds' ratios) ${faster >= 1.5 ? 'MET' : 'NOT MET'}`);
    console.log(`target masked <= 1.5x identical's time: ${maskedRatio.toFixed(2)}x (median of the rounds' ratios) ${maskedRatio <= 1.5 ? 'MET' : 'NOT MET'}`);
    console.log(`target subset of 3/200 tenants <= 5 s incl. FK validation: ${subset.seconds.toFixed(2)} s ${subset.seconds <= 5 ? 'MET' : 'NOT MET'}`);
  } finally {
    await cluster.dispose();
  }
}

/**
 * Lets the cluster go quiet before a timed run: a checkpoint, then no autovacuum worker for
 * a second. Otherwise the vacuum of the tables the previous run loaded (pg_dump | psql's
 * are not frozen) runs during the next one and is billed to it.
 */
async function settle(cluster: TestPostgres): Promise<void> {
  await cluster.query('postgres', 'CHECKPOINT');
  const deadline = Date.now() + 120_000;
  let quietSince = Date.now();
  while (Date.now() < deadline && Date.now() - quietSince < 1_000) {
    const [row] = await cluster.query<{ n: number }>('postgres', `SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'`);
    if ((row?.n ?? 0) > 0) quietSince = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** pg_dump | psql into a new database; its seconds. */
async function timeDump(cluster: TestPostgres, name: string): Promise<number> {
  await cluster.createDatabase(name);
  await settle(cluster);
  const began = performance.now();
  await pgDumpPsql(cluster, name);
  return (performance.now() - began) / 1000;
}

async function timeCopy(cluster: TestPostgres, name: string, input: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): Promise<Copy> {
  const target = await cluster.createDatabase(name);
  await settle(cluster);
  const args = DbCopyArgs.parse({ source: cluster.url('src'), target, jobs: Number(process.env.BENCH_JOBS ?? 4), ...input });
  let log = '';
  const began = performance.now();
  await runDbCopy(args, { log: (chunk) => void (log += chunk), signal: new AbortController().signal, env });
  const seconds = (performance.now() - began) / 1000;
  if (process.env.BENCH_VERBOSE) console.log(log);
  return { seconds, log };
}

function maskedRates(log: string, mask: { table: string; column: string }[]): string[] {
  const tables = [...new Set(mask.map((rule) => rule.table))];
  return tables.map((table) => {
    const line = new RegExp(`^copied public\\.${table}(?: by \\d+ streams)?: ([\\d,]+) rows, [\\d.]+ MB in ([\\d.]+) s \\(([\\d,]+) rows/s`, 'm').exec(log);
    const columns = mask.filter((rule) => rule.table === table).map((rule) => rule.column);
    return line ? `${table} (${columns.join(', ')}): ${line[1]} rows in ${line[2]} s = ${line[3]} rows/s` : `${table}: no line in the log`;
  });
}

async function measureMasker(cluster: TestPostgres): Promise<string[]> {
  const client = new pg.Client({ connectionString: cluster.url('src') });
  await client.connect();
  const read = async (format: FieldFormat) => {
    const chunks: Buffer[] = [];
    const reader = client.query(new CopyOutFrames(`COPY (SELECT id, task_id, author_id, body FROM comments LIMIT 500000) TO STDOUT WITH (FORMAT ${format})`));
    for await (const chunk of reader) chunks.push(chunk as Buffer);
    return chunks;
  };
  const input = { binary: await read('binary'), text: await read('text') };
  await client.end();
  const column = { name: 'body', quoted: 'body', type: 'text', notNull: true, textual: true, maxLength: undefined, unique: true, binary: true };
  const hash = createKeyedHash('bench-key');
  const lines: string[] = [];
  for (const rule of [{ rule: 'hash' }, { rule: 'email' }, { rule: 'partial', keep: 4, char: '*' }] as const) {
    const figures: string[] = [];
    for (const format of ['binary', 'text'] as const) {
      const masks = new Map([[3, compileRule({ table: 'comments', column: 'body', ...rule } as MaskRule, { ...column, unique: rule.rule !== 'partial' }, hash, format)]]);
      const masker = format === 'binary' ? new CopyBinaryMasker(4, masks) : new CopyTextMasker(4, masks);
      const began = performance.now();
      for (const chunk of input[format]) masker.maskFrames(chunk);
      const seconds = (performance.now() - began) / 1000;
      figures.push(`${Math.round(masker.rows / seconds).toLocaleString('en-US')} rows/s in ${format}`);
    }
    lines.push(`${rule.rule}: ${figures.join(', ')} (target >= 250,000)`);
  }
  return lines;
}

function pgDumpPsql(cluster: TestPostgres, target: string): Promise<void> {
  const url = (database: string) => `postgres://postgres@127.0.0.1:${cluster.port}/${database}`;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', `pg_dump --no-owner --no-privileges '${url('src')}' | psql -X -q -v ON_ERROR_STOP=1 '${url(target)}' > /dev/null`], {
      env: { ...process.env, PGPASSWORD: PG_PASSWORD },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`Expected pg_dump | psql to exit 0, got ${code}`))));
  });
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

await main();
