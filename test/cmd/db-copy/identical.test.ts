import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_PASSWORD, type TestPostgres } from '../../helpers/postgres.js';
import { checksums, startFixtureCluster, TRAP_SCHEMA } from './fixture.js';
import { runCopy } from './run-copy.js';

let cluster: TestPostgres;
let source: string;

beforeAll(async () => {
  ({ cluster, source } = await startFixtureCluster());
});
afterAll(async () => cluster?.dispose());

const catalogSummary = (database: string) =>
  cluster.query(
    database,
    `SELECT conrelid::regclass::text AS on, conname, contype, convalidated, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE connamespace = 'public'::regnamespace
     UNION ALL SELECT tablename, indexname, 'i', true, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2, 3`,
  );

describe('db-copy identical', () => {
  it('copies every row, sequence, index and constraint, logging progress without the password', async () => {
    const target = await cluster.createDatabase('same');
    const result = await runCopy({ source, target, jobs: 3 });
    expect(result.error).toBeUndefined();
    expect(result.exit).toBe(0);
    expect(await checksums(cluster, 'same')).toEqual(await checksums(cluster, 'src'));
    expect(await catalogSummary('same')).toEqual(await catalogSummary('src'));
    const sequences = `SELECT sequencename, last_value FROM pg_sequences ORDER BY 1`;
    expect(await cluster.query('same', sequences)).toEqual(await cluster.query('src', sequences));
    expect(await cluster.query('same', `SELECT nextval('invoice_numbers') AS n`)).toEqual([{ n: '1003' }]);
    expect(result.log).toMatch(/^copied public\.users: 96 rows, [\d.]+ MB in [\d.]+ s \([\d,]+ rows\/s, [\d.]+ MB\/s\)$/m);
    expect(result.log).toMatch(/^foreign keys: 8 added and 8 validated \(\d of them while data still streamed\) in /m);
    expect(result.log).toMatch(/^done: 7 tables, [\d,]+ rows/m);
    expect(result.log).toContain('postgres://postgres:***@127.0.0.1');
    expect(result.log).not.toContain(PG_PASSWORD);
    const [mark] = await cluster.query<{ comment: string | null }>('same', `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = 'same'`);
    expect(mark?.comment).toBeNull();
  });

  it('takes the URLs from environment variables named in the arguments', async () => {
    const target = await cluster.createDatabase('from_env');
    const result = await runCopy({ source: 'SRC_URL', target: 'DST_URL', jobs: 1 }, { env: { SRC_URL: source, DST_URL: target } });
    expect(result.exit).toBe(0);
    expect(await checksums(cluster, 'from_env')).toEqual(await checksums(cluster, 'src'));
  });

  it('reads a table far bigger than the others with several streams in page ranges, missing and repeating no row', async () => {
    await cluster.createDatabase('big_src');
    await cluster.query(
      'big_src',
      `CREATE TABLE events (id int PRIMARY KEY, email text NOT NULL UNIQUE, at timestamptz NOT NULL, note text);
       INSERT INTO events SELECT i, 'e' || i || '@x.example', timestamptz '2024-01-01 00:00:00+00' + i * interval '1 s', CASE WHEN i % 5 = 0 THEN NULL ELSE E'tab\\there' END FROM generate_series(1, 40000) i;
       CREATE TABLE kinds (id int PRIMARY KEY, name text); INSERT INTO kinds VALUES (1, 'one');`,
    );
    const sums = (database: string) => checksums(cluster, database, ['events', 'kinds']);
    const identical = await runCopy({ source: cluster.url('big_src'), target: await cluster.createDatabase('big_same'), jobs: 3, splitAboveMb: 0 });
    expect(identical.log).toMatch(/^copied public\.events by 3 streams: 40,000 rows, /m);
    expect(await sums('big_same')).toEqual(await sums('big_src'));
    const mask = [{ table: 'events', column: 'email', rule: 'hash' }];
    const masked = await runCopy({ source: cluster.url('big_src'), target: await cluster.createDatabase('big_masked'), jobs: 3, splitAboveMb: 0, mode: 'masked', mask }, { env: { DB_COPY_MASK_KEY: 'k' } });
    expect(masked.log).toMatch(/^copied public\.events by 3 streams: 40,000 rows, /m);
    expect(await cluster.query('big_masked', `SELECT count(DISTINCT email)::int AS n, count(*) FILTER (WHERE email LIKE 'e%@x.example')::int AS clear FROM events`)).toEqual([{ n: 40000, clear: 0 }]);
  });

  it('refuses to copy a database onto itself, saying why', async () => {
    const result = await runCopy({ source, target: `${source}?application_name=other`, clean: true });
    expect(result.error?.message).toMatch(/^Expected the target to be another database than the source, got the same one: database src on one server/);
    expect(await checksums(cluster, 'src')).toMatchObject({ users: { rows: 96 } });
  });

  it('refuses a non-empty target unless clean, which drops and recreates everything', async () => {
    const target = await cluster.createDatabase('busy');
    await cluster.query('busy', 'CREATE TABLE leftover (x int); INSERT INTO leftover VALUES (1)');
    const refused = await runCopy({ source, target });
    expect(refused.error?.message).toMatch(/^Expected an empty target database, got postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/busy holding table public\.leftover: pass clean: true/);
    const cleaned = await runCopy({ source, target, clean: true });
    expect(cleaned.exit).toBe(0);
    expect(await cluster.query('busy', `SELECT to_regclass('public.leftover') AS t`)).toEqual([{ t: null }]);
    expect(await checksums(cluster, 'busy')).toEqual(await checksums(cluster, 'src'));
  });

  it('prints the plan and writes nothing on a dry run', async () => {
    const target = await cluster.createDatabase('dry');
    const result = await runCopy({ source, target, dryRun: true });
    expect(result.exit).toBe(0);
    expect(result.log).toMatch(/^plan: 7 tables, [\d.]+ MB on disk, largest first$/m);
    // Built-in types travel in binary COPY; an enum column (tenants.plan) keeps a table in text.
    expect(result.log).toMatch(/^ {2}public\.users: [\d.]+ MB, raw binary$/m);
    expect(result.log).toMatch(/^ {2}public\.tenants: [\d.]+ MB, raw text$/m);
    expect(await cluster.query('dry', `SELECT count(*)::int AS n FROM pg_class WHERE relnamespace = 'public'::regnamespace`)).toEqual([{ n: 0 }]);
  });

  it('leaves a failed copy marked incomplete in the target and says so', async () => {
    await cluster.createDatabase('trap_src');
    await cluster.query('trap_src', TRAP_SCHEMA);
    const target = await cluster.createDatabase('trap_fail');
    const result = await runCopy({ source: cluster.url('trap_src'), target });
    expect(result.error?.message).toMatch(/^Could not copy public\.items: .*violates check constraint/);
    expect(result.log).toMatch(/^target postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/trap_fail left incomplete: its database comment says "db-copy INCOMPLETE"/m);
    const [mark] = await cluster.query<{ comment: string }>('trap_fail', `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = 'trap_fail'`);
    expect(mark?.comment).toMatch(/^db-copy INCOMPLETE: started .* from postgres:\/\/postgres:\*\*\*@/);
    expect(`${result.error?.message}${result.log}`).not.toContain(PG_PASSWORD);
  });

  it('stops every stream and backend query at once when cancelled', async () => {
    const target = await cluster.createDatabase('trap_slow');
    const controller = new AbortController();
    let cancelledAt = 0;
    const result = await runCopy(
      { source: cluster.url('trap_src'), target, jobs: 2 },
      {
        signal: controller.signal,
        onLog: (log) => {
          if (cancelledAt === 0 && /^schema: /m.test(log)) {
            cancelledAt = performance.now();
            setTimeout(() => controller.abort(), 300);
          }
        },
      },
    );
    const tookMs = performance.now() - cancelledAt - 300;
    expect(result.error?.message).toMatch(/^db-copy cancelled: /);
    expect(tookMs).toBeLessThan(3_000);
    // The COPY was 2,000 rows at 20 ms each: it must not have gone on in the server.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await cluster.query('postgres', `SELECT application_name, state FROM pg_stat_activity WHERE application_name LIKE 'db-copy%'`)).toEqual([]);
    const [mark] = await cluster.query<{ comment: string }>('trap_slow', `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = 'trap_slow'`);
    expect(mark?.comment).toMatch(/^db-copy INCOMPLETE/);
  });
});
