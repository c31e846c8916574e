import type pg from 'pg';

/** A sequence's state as setval takes it. */
export interface SequenceValue {
  name: string;
  lastValue: string;
  isCalled: boolean;
}

/** Reads every user sequence's value on the source (right after the snapshot is taken). */
export async function readSequences(client: pg.Client): Promise<SequenceValue[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'S' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_temp%'
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')`,
  );
  const values: SequenceValue[] = [];
  for (const { name } of rows) {
    const state = await client.query<{ last_value: string; is_called: boolean }>(`SELECT last_value::text, is_called FROM ${name}`);
    const row = state.rows[0];
    if (row) values.push({ name, lastValue: row.last_value, isCalled: row.is_called });
  }
  return values;
}

/** Sets the target's sequences that exist there to the source's values; returns how many. */
export async function setSequences(client: pg.Client, values: SequenceValue[]): Promise<number> {
  let count = 0;
  for (const value of values) {
    const { rows } = await client.query<{ done: boolean }>(
      `SELECT CASE WHEN to_regclass($1) IS NULL THEN false ELSE pg_catalog.setval(to_regclass($1), $2::bigint, $3) IS NOT NULL END AS done`,
      [value.name, value.lastValue, value.isCalled],
    );
    if (rows[0]?.done) count += 1;
  }
  return count;
}
