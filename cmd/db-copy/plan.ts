import type { DbCopyArgs, MaskRule } from './args.js';
import { findTable, type Catalog, type Table } from './catalog.js';
import { DbCopyError } from './errors.js';
import { checkRule, longestOutput, needsKey, type FieldFormat } from './mask-rules.js';
import type { MaskerSetup, MaskSpec } from './mask-thread.js';

/** One table's copy: which columns go through which mask (none: raw bytes). */
export interface TableCopy {
  table: Table;
  rules: { column: string; rule: MaskRule['rule'] }[];
  /** What a worker thread needs to mask this table (it compiles the rules there), when any column is masked. */
  masking: MaskerSetup | undefined;
  /** COPY format: binary (cheaper for both servers to write and parse, and for the masker to read) for tables of built-in types between servers of one major version. */
  format: 'binary' | 'text';
}

/** What a run will do, decided before anything is written. */
export interface Plan {
  /** Tables whose data is copied, largest first. */
  copies: TableCopy[];
  /** Tables whose schema is copied: everything but the excluded ones. */
  included: Table[];
  excluded: Table[];
  warnings: string[];
}

/** Decides which tables are copied and compiles the mask rules against the source schema. */
export function buildPlan(args: DbCopyArgs, catalog: Catalog, maskKey: string | undefined, options: { binary: boolean } = { binary: false }): Plan {
  const excluded = selectExcluded(args, catalog);
  const excludedKeys = new Set(excluded.map((table) => table.key));
  const included = catalog.tables.filter((table) => !excludedKeys.has(table.key));
  const warnings: string[] = [];
  const rulesByTable = new Map<string, MaskRule[]>();
  for (const rule of args.mask) {
    const table = requireTable(catalog, rule.table, 'mask rule');
    if (excludedKeys.has(table.key)) throw new DbCopyError(`Expected mask rules for copied tables only, got one for the excluded table ${table.key}`);
    rulesByTable.set(table.key, [...(rulesByTable.get(table.key) ?? []), rule]);
  }
  const hasKeyedRule = args.mask.some(needsKey);
  if ((args.mode === 'masked' || hasKeyedRule) && !maskKey) {
    throw new DbCopyError(`Expected the secret mask key in environment variable ${args.maskKeyEnv} (masking refuses to run without it), got nothing`);
  }
  const copies: TableCopy[] = included
    .filter((table) => table.kind === 'table')
    .sort((a, b) => b.bytes - a.bytes || a.key.localeCompare(b.key))
    .map((table) => {
      const rules: TableCopy['rules'] = [];
      const specs: MaskSpec[] = [];
      for (const rule of rulesByTable.get(table.key) ?? []) {
        const index = table.columns.findIndex((column) => column.name === rule.column);
        const column = table.columns[index];
        if (column === undefined) {
          throw new DbCopyError(`Expected mask rule column ${rule.column} in ${table.key}, got no such column (columns: ${table.columns.map((c) => c.name).join(', ')})`);
        }
        if (specs.some((spec) => spec.index === index)) throw new DbCopyError(`Expected one mask rule per column, got two for ${table.key}.${rule.column}`);
        const where = `${table.key}.${column.name}`;
        checkRule(rule, column, where);
        const longest = longestOutput(rule, column);
        if (column.maxLength !== undefined && longest !== undefined && longest > column.maxLength) {
          warnings.push(`mask ${rule.rule} on ${where}: values are cut to its ${column.type} limit (up to ${longest} characters)`);
        }
        specs.push({ index, rule, column });
        rules.push({ column: column.name, rule: rule.rule });
      }
      // Binary needs every column's binary form to be the same on both servers, and each
      // masked value's to be its text as it is (a text type), unless it becomes NULL.
      const binary =
        options.binary && table.columns.every((column) => column.binary) && specs.every((spec) => spec.column.textual || spec.rule.rule === 'null');
      const format: FieldFormat = binary ? 'binary' : 'text';
      const masking = specs.length === 0 ? undefined : { columnCount: table.columns.length, specs, key: maskKey, format };
      return { table, rules, masking, format };
    });
  return { copies, included, excluded, warnings };
}

function selectExcluded(args: DbCopyArgs, catalog: Catalog): Table[] {
  const include = args.tables?.include;
  const exclude = new Set((args.tables?.exclude ?? []).map((name) => requireTable(catalog, name, 'tables.exclude').key));
  if (include !== undefined) {
    const kept = new Set(include.map((name) => requireTable(catalog, name, 'tables.include').key));
    for (const table of catalog.tables) if (!kept.has(table.key)) exclude.add(table.key);
  }
  return catalog.tables.filter((table) => exclude.has(table.key));
}

/** Finds a table the arguments name, or says which tables exist. */
export function requireTable(catalog: Catalog, name: string, where: string): Table {
  const table = findTable(catalog, name);
  if (table === undefined) {
    const known = catalog.tables.map((t) => t.key);
    throw new DbCopyError(`Expected ${where} to name a table of the source, got \`${name}\` (tables: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', ...' : ''})`);
  }
  return table;
}

/** Describes the plan in a few lines, for the log and for dryRun. */
export function describePlan(plan: Plan): string[] {
  const total = plan.copies.reduce((sum, copy) => sum + copy.table.bytes, 0);
  const lines = [`plan: ${plan.copies.length} tables, ${formatMegabytes(total)} on disk, largest first`];
  for (const copy of plan.copies) {
    const masked = copy.rules.length === 0 ? `raw ${copy.format}` : `${copy.format}, masked: ${copy.rules.map((rule) => `${rule.column} (${rule.rule})`).join(', ')}`;
    lines.push(`  ${copy.table.key}: ${formatMegabytes(copy.table.bytes)}, ${masked}`);
  }
  if (plan.excluded.length > 0) lines.push(`  excluded: ${plan.excluded.map((table) => table.key).join(', ')}`);
  for (const warning of plan.warnings) lines.push(`warning: ${warning}`);
  return lines;
}

/** `12.3 MB` (10^6 bytes). */
export function formatMegabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
