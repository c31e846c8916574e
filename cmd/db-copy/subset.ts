import type pg from 'pg';
import type { SubsetSpec } from './args.js';
import type { Catalog, ForeignKey, Table } from './catalog.js';
import { DbCopyError, messageOf } from './errors.js';
import { requireTable } from './plan.js';
import { formatCount } from './progress.js';

/** The rows a subset selected: per table, a temp table of ctids on the source session. */
export interface Subset {
  /** The temp table holding the selected ctids of each table with rows. */
  selection: Map<Table, { relation: string; rows: number }>;
}

interface TableState {
  table: Table;
  index: number;
  selected: string;
  fresh: string;
  next: string;
  freshRows: number;
  nextRows: number;
  total: number;
  reasons: Map<string, number>;
}

/**
 * Computes the closure of the roots on the source server, inside the copy's snapshot:
 * child rows are followed down from the roots for `depth` foreign-key steps, then every
 * parent any selected row references is pulled in, until nothing new comes. Each round
 * expands only the rows the previous round added, so cycles and self-references end.
 */
export async function selectSubset(client: pg.Client, catalog: Catalog, tables: Table[], spec: SubsetSpec, log: (line: string) => void): Promise<Subset> {
  const keys = collectForeignKeys(catalog, tables, spec);
  const states = new Map<Table, TableState>();
  for (const [index, table] of tables.entries()) {
    const state: TableState = { table, index, selected: `pg_temp.dbcopy_sel_${index}`, fresh: `pg_temp.dbcopy_new_${index}`, next: `pg_temp.dbcopy_next_${index}`, freshRows: 0, nextRows: 0, total: 0, reasons: new Map() };
    await client.query(`CREATE TEMP TABLE dbcopy_sel_${index} (row_id tid PRIMARY KEY); CREATE TEMP TABLE dbcopy_new_${index} (row_id tid); CREATE TEMP TABLE dbcopy_next_${index} (row_id tid)`);
    states.set(table, state);
  }
  const stateOf = (table: Table) => states.get(table) as TableState;
  const add = async (state: TableState, select: string, reason: string) => {
    const sql = `WITH added AS (INSERT INTO ${state.selected} ${select} ON CONFLICT DO NOTHING RETURNING row_id) INSERT INTO ${state.next} SELECT row_id FROM added`;
    const result = await client.query(sql).catch((error: unknown) => {
      throw new DbCopyError(`Could not select the subset rows of ${state.table.key} (${reason}): ${messageOf(error)}`, { cause: error });
    });
    const count = result.rowCount ?? 0;
    if (count === 0) return;
    state.nextRows += count;
    state.total += count;
    state.reasons.set(reason, (state.reasons.get(reason) ?? 0) + count);
  };
  const rotate = async () => {
    let added = 0;
    for (const state of states.values()) {
      if (state.freshRows > 0) await client.query(`TRUNCATE ${state.fresh}`);
      if (state.nextRows > 0) await client.query(`INSERT INTO ${state.fresh} SELECT row_id FROM ${state.next}; TRUNCATE ${state.next}`);
      state.freshRows = state.nextRows;
      state.nextRows = 0;
      added += state.freshRows;
    }
    return added;
  };
  const freshCtids = (state: TableState) => `ctid = ANY(ARRAY(SELECT row_id FROM ${state.fresh}))`;

  for (const root of spec.roots) {
    const table = requireTable(catalog, root.table, 'subset root');
    const state = states.get(table);
    if (state === undefined) throw new DbCopyError(`Expected the subset root ${table.key} among the copied tables, got it excluded`);
    await add(state, `SELECT ctid FROM ONLY ${table.qualified} WHERE ${root.where}`, `root where ${root.where}`);
  }
  /** One round: rows related over a key to the rows the last round added (children: down, parents: up). */
  const expand = async (direction: 'down' | 'up') => {
    for (const from of states.values()) {
      if (from.freshRows === 0) continue;
      for (const key of keys.filter((k) => (direction === 'down' ? k.parent : k.child) === from.table)) {
        const [to, toColumns, fromColumns] = direction === 'down' ? [key.child, key.childColumns, key.parentColumns] : [key.parent, key.parentColumns, key.childColumns];
        await add(
          stateOf(to),
          `SELECT t.ctid FROM ONLY ${to.qualified} t WHERE (${columns('t', toColumns)}) IN (SELECT ${columns('f', fromColumns)} FROM ONLY ${from.table.qualified} f WHERE f.${freshCtids(from)})`,
          `${direction === 'down' ? 'children' : 'parents'} of ${from.table.key} via ${key.name}`,
        );
      }
    }
    return rotate();
  };
  await rotate();
  for (let depth = 1; depth <= spec.depth; depth++) if ((await expand('down')) === 0) break;
  // Every selected row needs its parents: start from all of them, expand what is new.
  for (const state of states.values()) {
    await client.query(`TRUNCATE ${state.fresh}; INSERT INTO ${state.fresh} SELECT row_id FROM ${state.selected}`);
    state.freshRows = state.total;
  }
  while ((await expand('up')) > 0);
  const selection: Subset['selection'] = new Map();
  for (const state of states.values()) {
    const why = [...state.reasons].map(([reason, rows]) => `${formatCount(rows)} ${reason}`).join('; ');
    log(`subset ${state.table.key}: ${formatCount(state.total)} rows${why ? ` (${why})` : ''}`);
    if (state.total > 0) selection.set(state.table, { relation: state.selected, rows: state.total });
  }
  return { selection };
}

function columns(alias: string, names: string[]): string {
  return names.map((name) => `${alias}.${quoteIdent(name)}`).join(', ');
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Declared foreign keys between copied tables, plus those the spec declares. */
function collectForeignKeys(catalog: Catalog, tables: Table[], spec: SubsetSpec): ForeignKey[] {
  const copied = new Set(tables);
  const keys = catalog.foreignKeys.filter((key) => copied.has(key.child) && copied.has(key.parent));
  for (const [index, extra] of spec.foreignKeys.entries()) {
    const child = requireTable(catalog, extra.table, 'subset.foreignKeys table');
    const parent = requireTable(catalog, extra.references, 'subset.foreignKeys references');
    for (const [table, names] of [[child, extra.columns], [parent, extra.referencedColumns]] as const) {
      const missing = names.filter((name) => !table.columns.some((column) => column.name === name));
      if (missing.length > 0) throw new DbCopyError(`Expected subset.foreignKeys[${index}] columns in ${table.key}, got unknown ${missing.join(', ')}`);
    }
    if (extra.columns.length !== extra.referencedColumns.length) {
      throw new DbCopyError(`Expected subset.foreignKeys[${index}] to pair as many columns as it references, got ${extra.columns.length} and ${extra.referencedColumns.length}`);
    }
    if (copied.has(child) && copied.has(parent)) keys.push({ name: `declared key ${index}`, child, childColumns: extra.columns, parent, parentColumns: extra.referencedColumns });
  }
  return keys;
}
