import { pipeline } from 'node:stream/promises';
import { CopyInFrames, CopyOutFrames } from './copy-frames.js';
import type { Connection } from './connections.js';
import { DbCopyError, messageOf } from './errors.js';
import { ThreadedMasker } from './mask-thread.js';
import type { TableCopy } from './plan.js';
import type { TableProgress } from './progress.js';

/** A slice of a big table's pages, copied by a stream of its own: pages [from, to), or [from, end) when `to` is undefined. */
export interface PageRange {
  part: number;
  parts: number;
  from: number;
  to: number | undefined;
}

/** The rows of a table to read: all of them, those whose ctid a subset selected, or those in a page range (a TID range scan on PostgreSQL 14+). */
export function selectRows(copy: TableCopy, selection: string | undefined, range?: PageRange): string {
  const list = copy.table.columns.map((column) => column.quoted).join(', ');
  let filter = selection === undefined ? '' : ` WHERE ctid = ANY(ARRAY(SELECT row_id FROM ${selection}))`;
  if (range !== undefined) filter = ` WHERE ctid >= '(${range.from},0)'::tid${range.to === undefined ? '' : ` AND ctid < '(${range.to},0)'::tid`}`;
  return `SELECT ${list} FROM ONLY ${copy.table.qualified}${filter}`;
}

/** Splits a table into `parts` contiguous page ranges that cover it whole, whatever its size when read. */
export function splitPages(bytes: number, parts: number): PageRange[] {
  const pages = Math.ceil(bytes / 8192);
  return Array.from({ length: parts }, (_, part) => ({
    part,
    parts,
    from: part === 0 ? 0 : Math.floor((pages * part) / parts),
    to: part === parts - 1 ? undefined : Math.floor((pages * (part + 1)) / parts),
  }));
}

/**
 * Streams one table from the source to the target: COPY TO STDOUT piped as whole protocol
 * messages (through a masker in a worker thread when columns are masked) into COPY FROM STDIN, with
 * backpressure end to end. A whole table is truncated and loaded in one transaction with
 * FREEZE, so the rows arrive already frozen; a page range of a split table is appended.
 */
export async function copyTable(source: Connection, target: Connection, copy: TableCopy, select: string, progress: TableProgress, whole = true): Promise<number> {
  const table = copy.table;
  const list = table.columns.map((column) => column.quoted).join(', ');
  // FREEZE needs the table truncated in the same transaction, which would lock out the
  // other streams of a table copied in page ranges: those load without it.
  await target.client.query(whole ? `BEGIN; TRUNCATE ONLY ${table.qualified}` : 'BEGIN');
  const copyOut = `COPY (${select}) TO STDOUT WITH (FORMAT ${copy.format})`;
  const copyIn = `COPY ${table.qualified}${list ? ` (${list})` : ''} FROM STDIN WITH (FORMAT ${copy.format}${whole ? ', FREEZE' : ''})`;
  const reader = source.client.query(new CopyOutFrames(copyOut));
  const writer = target.client.query(new CopyInFrames(copyIn));
  reader.on('data', (chunk: Buffer) => progress.addBytes(chunk.length));
  try {
    if (copy.masking !== undefined) await pipeline(reader, new ThreadedMasker(copy.masking), writer);
    else await pipeline(reader, writer);
    await target.client.query('COMMIT');
  } catch (error) {
    throw new DbCopyError(`Could not copy ${table.key}: ${messageOf(error)}`, { cause: error });
  }
  progress.finish(writer.rowCount);
  return writer.rowCount;
}
