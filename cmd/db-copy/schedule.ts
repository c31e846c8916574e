import type { Table } from './catalog.js';
import { splitKeyConstraint, type PostDataEntry } from './post-data.js';

/** Post-data entries sorted by when they can run. */
export interface PostDataSchedule {
  /** Indexes and constraints per table (pg_dump's quoted name): built once that table's data is in. */
  builds: Map<string, PostDataEntry[]>;
  /** Per table, the constraints made from indexes among its builds (instant): once all of its builds are done. */
  attaches: Map<string, PostDataEntry[]>;
  /** Indexes and constraints on tables with no data copy (materialized views, partitioned tables): after all data. */
  lateBuilds: PostDataEntry[];
  /** Foreign keys: added NOT VALID, then validated in parallel. */
  foreignKeys: PostDataEntry[];
  /** Foreign keys left out because they reference an excluded table. */
  skipped: PostDataEntry[];
  /** Everything else (triggers, rules, comments, policies...), in dump order, last. */
  rest: PostDataEntry[];
}

const BUILD_TYPES = new Set(['INDEX', 'CONSTRAINT']);

/** Sorts the entries: which wait for a table, which wait for all data, which go last. */
export function schedulePostData(entries: PostDataEntry[], copied: Table[], excluded: Table[]): PostDataSchedule {
  const copiedNames = new Set(copied.map((table) => table.qualified));
  const excludedNames = new Set(excluded.map((table) => table.qualified));
  const schedule: PostDataSchedule = { builds: new Map(), attaches: new Map(), lateBuilds: [], foreignKeys: [], skipped: [], rest: [] };
  const add = (map: Map<string, PostDataEntry[]>, table: string, entry: PostDataEntry) => map.set(table, [...(map.get(table) ?? []), entry]);
  for (const entry of entries) {
    if (BUILD_TYPES.has(entry.type)) {
      if (entry.table === undefined || !copiedNames.has(entry.table)) {
        schedule.lateBuilds.push(entry);
        continue;
      }
      const split = splitKeyConstraint(entry);
      add(schedule.builds, entry.table, split?.build ?? entry);
      if (split !== undefined) add(schedule.attaches, entry.table, split.attach);
    } else if (entry.type === 'FK CONSTRAINT' && entry.foreignKey !== undefined && entry.table !== undefined) {
      if (excludedNames.has(entry.foreignKey.references)) schedule.skipped.push(entry);
      else schedule.foreignKeys.push(entry);
    } else {
      schedule.rest.push(entry);
    }
  }
  return schedule;
}
