import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Table } from '../../../cmd/db-copy/catalog.js';
import { parsePostData, splitKeyConstraint, type PostDataEntry } from '../../../cmd/db-copy/post-data.js';
import { schedulePostData } from '../../../cmd/db-copy/schedule.js';
import { startTestPostgres, type TestPostgres } from '../../helpers/postgres.js';

/** A CONSTRAINT entry as parsePostData makes it from pg_dump's `ALTER TABLE ONLY table\n    ADD CONSTRAINT ...;`. */
function constraint(table: string, name: string, definition: string, type = 'CONSTRAINT'): PostDataEntry {
  return { type, name: `t ${name}`, table, sql: `ALTER TABLE ONLY ${table}\n    ADD CONSTRAINT ${name} ${definition};` };
}

function table(qualified: string, kind: Table['kind'] = 'table'): Table {
  return { oid: 0, schema: '', name: '', key: qualified, qualified, kind, bytes: 0, columns: [] };
}

/** A post-data script as pg_dump writes it, from (header name, type, statement) triples. */
function dumpScript(entries: [string, string, string][]): string {
  const body = entries.map(([name, type, sql]) => `--\n-- Name: ${name}; Type: ${type}; Schema: public; Owner: postgres\n--\n\n${sql}\n\n\n`).join('');
  return `--\n-- PostgreSQL database dump\n--\n\n\\restrict abc\n\nSET statement_timeout = 0;\nSET default_tablespace = '';\n\n${body}--\n-- PostgreSQL database dump complete\n--\n\n\\unrestrict abc\n\n`;
}

describe('splitKeyConstraint', () => {
  it('makes a plain primary key a unique index build and an ADD CONSTRAINT ... USING INDEX', () => {
    const entry = constraint('public.t', 't_pkey', 'PRIMARY KEY (id)');
    expect(splitKeyConstraint(entry)).toEqual({
      build: { type: 'INDEX', name: 't t_pkey', table: 'public.t', sql: 'CREATE UNIQUE INDEX t_pkey ON public.t USING btree (id);' },
      attach: { type: 'CONSTRAINT', name: 't t_pkey', table: 'public.t', sql: 'ALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_pkey;' },
    });
  });

  it('keeps several columns in their order and quoted names as pg_dump quoted them', () => {
    const entry = constraint('"my schema"."My Table"', '"Weird ""name"""', 'PRIMARY KEY (region, "Id", "a, b)")');
    const split = splitKeyConstraint(entry);
    expect(split?.build.sql).toBe('CREATE UNIQUE INDEX "Weird ""name""" ON "my schema"."My Table" USING btree (region, "Id", "a, b)");');
    expect(split?.attach.sql).toBe('ALTER TABLE ONLY "my schema"."My Table" ADD CONSTRAINT "Weird ""name""" PRIMARY KEY USING INDEX "Weird ""name""";');
  });

  it('splits a UNIQUE constraint into a UNIQUE one made from its index', () => {
    const split = splitKeyConstraint(constraint('public.t', 't_a_b_key', 'UNIQUE (a, b)'));
    expect(split?.build.sql).toBe('CREATE UNIQUE INDEX t_a_b_key ON public.t USING btree (a, b);');
    expect(split?.attach.sql).toBe('ALTER TABLE ONLY public.t ADD CONSTRAINT t_a_b_key UNIQUE USING INDEX t_a_b_key;');
  });

  it('keeps the SET a constraint carries from the entry before on the index build, and only there', () => {
    const script = dumpScript([
      ['u u_pkey', 'CONSTRAINT', "SET default_tablespace = fast;\n\nALTER TABLE ONLY public.u\n    ADD CONSTRAINT u_pkey PRIMARY KEY (id);\n\n\nSET default_tablespace = '';"],
      ['t t_pkey', 'CONSTRAINT', 'ALTER TABLE ONLY public.t\n    ADD CONSTRAINT t_pkey PRIMARY KEY (id);'],
    ]);
    const [first, second] = parsePostData(script).entries;
    expect(second?.sql).toBe("SET default_tablespace = '';\nALTER TABLE ONLY public.t\n    ADD CONSTRAINT t_pkey PRIMARY KEY (id);");
    const split = second === undefined ? undefined : splitKeyConstraint(second);
    expect(split?.build.sql).toBe("SET default_tablespace = '';\nCREATE UNIQUE INDEX t_pkey ON public.t USING btree (id);");
    expect(split?.attach.sql).toBe('ALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_pkey;');
    expect(first?.sql).toBe('SET default_tablespace = fast;\n\nALTER TABLE ONLY public.u\n    ADD CONSTRAINT u_pkey PRIMARY KEY (id);');
    expect(first === undefined ? undefined : splitKeyConstraint(first)?.build.sql).toBe('SET default_tablespace = fast;\n\nCREATE UNIQUE INDEX u_pkey ON public.u USING btree (id);');
  });

  it.each([
    ['INCLUDE', constraint('public.t', 't_a_key', 'UNIQUE (a) INCLUDE (b)')],
    ['a storage parameter', constraint('public.t', 't_b_key', "UNIQUE (b) WITH (fillfactor='70')")],
    ['DEFERRABLE', constraint('public.t', 't_pkey', 'PRIMARY KEY (id) DEFERRABLE')],
    ['INITIALLY DEFERRED', constraint('public.t', 't_d', 'UNIQUE (a, b) DEFERRABLE INITIALLY DEFERRED')],
    ['NULLS NOT DISTINCT', constraint('public.t', 't_b_key', 'UNIQUE NULLS NOT DISTINCT (b)')],
    ['an exclusion constraint', constraint('public.r', 'r_during_excl', 'EXCLUDE USING gist (during WITH &&)')],
    ['a CHECK constraint', constraint('public.t', 't_a_check', 'CHECK ((a > 0))', 'CHECK CONSTRAINT')],
    ['a CHECK written as a CONSTRAINT entry', constraint('public.t', 't_a_check', 'CHECK ((a > 0))')],
    ['an index tablespace', constraint('public.t', 't_pkey', 'PRIMARY KEY (id) USING INDEX TABLESPACE fast')],
    ['a foreign key', constraint('public.r', 'r_id_fkey', 'FOREIGN KEY (id) REFERENCES public.t(id)', 'FK CONSTRAINT')],
    ['a foreign key written as a CONSTRAINT entry', constraint('public.r', 'r_id_fkey', 'FOREIGN KEY (id) REFERENCES public.t(id)')],
    ['an index', { type: 'INDEX', name: 't_a_idx', table: 'public.t', sql: 'CREATE UNIQUE INDEX t_a_idx ON public.t USING btree (a);' }],
  ])('leaves a constraint with %s whole', (_what, entry) => {
    expect(splitKeyConstraint(entry)).toBeUndefined();
  });
});

describe('schedulePostData', () => {
  it('builds a copied table\'s key index with its other builds and attaches it after them, and leaves the rest whole', () => {
    const pkey = constraint('public.t', 't_pkey', 'PRIMARY KEY (id)');
    const index: PostDataEntry = { type: 'INDEX', name: 't_a_idx', table: 'public.t', sql: 'CREATE INDEX t_a_idx ON public.t USING btree (a);' };
    const included = constraint('public.t', 't_a_key', 'UNIQUE (a) INCLUDE (b)');
    const parted = constraint('public.p', 'p_pkey', 'PRIMARY KEY (id)');
    const notCopied = constraint('public.gone', 'gone_pkey', 'PRIMARY KEY (id)');
    const foreignKey = { ...constraint('public.r', 'r_id_fkey', 'FOREIGN KEY (id) REFERENCES public.t(id)', 'FK CONSTRAINT'), foreignKey: { constraint: 'r_id_fkey', references: 'public.t' } };
    const skipped = { ...constraint('public.r', 'r_x_fkey', 'FOREIGN KEY (x) REFERENCES public.x(id)', 'FK CONSTRAINT'), foreignKey: { constraint: 'r_x_fkey', references: 'public.x' } };
    const trigger: PostDataEntry = { type: 'TRIGGER', name: 't audit', sql: 'CREATE TRIGGER audit AFTER INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION public.audit();' };

    const schedule = schedulePostData([pkey, index, included, parted, notCopied, foreignKey, skipped, trigger], [table('public.t'), table('public.r')], [table('public.x')]);

    expect(schedule.builds).toEqual(new Map([['public.t', [splitKeyConstraint(pkey)?.build, index, included]]]));
    expect(schedule.attaches).toEqual(new Map([['public.t', [splitKeyConstraint(pkey)?.attach]]]));
    expect(schedule.lateBuilds).toEqual([parted, notCopied]);
    expect(schedule.foreignKeys).toEqual([foreignKey]);
    expect(schedule.skipped).toEqual([skipped]);
    expect(schedule.rest).toEqual([trigger]);
  });
});

describe('split key constraints on PostgreSQL', () => {
  let cluster: TestPostgres;
  beforeAll(async () => {
    cluster = await startTestPostgres();
  });
  afterAll(async () => cluster?.dispose());

  /** pg_dump's output without psql's per-run \restrict key. */
  const dump = (database: string, ...args: string[]) =>
    execFileSync('pg_dump', [...args, cluster.url(database)], { encoding: 'utf8' })
      .replace(/^\\(?:un)?restrict .*\n/gm, '')
      .replace(/^-- Name: .*?; Database: .*\n/gm, '');

  /** What pg_dump does not print of a constraint's index: its flags, its tie to the constraint, its partition parent. */
  const indexCatalog = (database: string) =>
    cluster.query(
      database,
      `SELECT x.indexrelid::regclass::text AS index, x.indrelid::regclass::text AS on, x.indisprimary, x.indisunique, x.indimmediate, x.indisvalid, x.indisready,
              x.indisreplident, x.indnullsnotdistinct, c.conname, c.contype, c.condeferrable, c.condeferred, c.convalidated, c.conislocal, c.coninhcount,
              (SELECT p.conname FROM pg_constraint p WHERE p.oid = c.conparentid) AS parent_constraint,
              (SELECT string_agg(d.deptype::text, ',') FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = x.indexrelid AND d.refclassid = 'pg_constraint'::regclass) AS tie,
              (SELECT i.inhparent::regclass::text FROM pg_inherits i WHERE i.inhrelid = x.indexrelid) AS parent_index
         FROM pg_index x JOIN pg_class r ON r.oid = x.indexrelid LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.contype IN ('p', 'u', 'x')
        WHERE r.relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace, 'pg_toast'::regnamespace)
        ORDER BY 1`,
    );

  const run = async (database: string, entries: PostDataEntry[]) => {
    for (const entry of entries) await cluster.query(database, entry.sql);
  };

  it('gives the same schema as pg_dump\'s ADD CONSTRAINT statements', async () => {
    await cluster.createDatabase('src');
    await cluster.query(
      'src',
      `CREATE SCHEMA "my schema";
       CREATE TABLE "my schema"."My Table" (region text, id int, "Weird ""name""" text, note text, PRIMARY KEY (region, id));
       ALTER TABLE "my schema"."My Table" ADD CONSTRAINT "Weird ""key""" UNIQUE ("Weird ""name""");
       INSERT INTO "my schema"."My Table" VALUES ('eu', 1, 'a', NULL), ('us', 1, 'b', NULL), ('eu', 2, NULL, NULL), ('us', 2, NULL, NULL);
       CREATE TABLE t (id int PRIMARY KEY, a int, b int, UNIQUE (a, b), CONSTRAINT t_d UNIQUE (b, a) DEFERRABLE INITIALLY DEFERRED);
       INSERT INTO t SELECT i, i % 7, i FROM generate_series(1, 50) i;
       CREATE TABLE r (id int REFERENCES t (id), ref text, during int4range, EXCLUDE USING gist (during WITH &&));
       CREATE TABLE p (id int PRIMARY KEY) PARTITION BY RANGE (id);
       CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10);
       INSERT INTO p VALUES (1), (2);`,
    );
    const preData = dump('src', '--section=pre-data');
    const data = dump('src', '--section=data', '--inserts');
    const postData = dump('src', '--section=post-data');
    for (const database of ['whole', 'split']) {
      await cluster.createDatabase(database);
      await cluster.query(database, preData);
      await cluster.query(database, data);
    }

    await cluster.query('whole', postData);

    const { preamble, entries } = parsePostData(postData);
    const copied = ['"my schema"."My Table"', 'public.t', 'public.r', 'public.p1'].map((name) => table(name));
    const schedule = schedulePostData(entries, copied, []);
    const attaches = [...schedule.attaches.values()].flat();
    expect(attaches.map((entry) => entry.name).sort()).toEqual(['My Table My Table_pkey', 'My Table Weird "key"', 'p1 p1_pkey', 't t_a_b_key', 't t_pkey']);
    await cluster.query('split', preamble);
    await run('split', [...schedule.builds.values()].flat());
    await run('split', attaches);
    await run('split', [...schedule.lateBuilds, ...schedule.foreignKeys, ...schedule.rest]);

    const reference = dump('whole', '--schema-only');
    expect(reference).toContain('ADD CONSTRAINT "My Table_pkey" PRIMARY KEY (region, id);');
    expect(dump('split', '--schema-only')).toBe(reference);
    expect(reference).toBe(dump('src', '--schema-only'));
    const indexes = await indexCatalog('whole');
    expect(indexes.length).toBe(8);
    expect(await indexCatalog('split')).toEqual(indexes);
  });
});
