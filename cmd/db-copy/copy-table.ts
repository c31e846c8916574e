import { pipeline } from 'node:stream/promises';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { Connection } from './connections.js';
import { DbCopyError, messageOf } from './errors.js';
import { CopyTextMasker } from './mask-stream.js';
import type { TableCopy } from './plan.js';
import type { TableProgress } from './progress.js';

/** The rows of a table to read: all of them, or those whose ctid a subset selected. */
export function selectRows(copy: TableCopy, selection: string | undefined): string {
  const list = copy.table.columns.map((column) => column.quoted).join(', ');
  const filter = selection === undefined ? '' : ` WHERE ctid = ANY(ARRAY(SELECT row_id FROM ${selection}))`;
  return `SELECT ${list} FROM ONLY ${copy.table.qualified}${filter}`;
}

/**
 * Streams one table from the source to the target: COPY TO STDOUT piped (through the
 * masker when columns are masked, as raw bytes otherwise) into COPY FROM STDIN, with
 * backpressure end to end. The target side truncates and loads in one transaction with
 * FREEZE, so the rows arrive already frozen.
 */
export async function copyTable(source: Connection, target: Connection, copy: TableCopy, select: string, progress: TableProgress): Promise<number> {
  const table = copy.table;
  const list = table.columns.map((column) => column.quoted).join(', ');
  await target.client.query(`BEGIN; TRUNCATE ONLY ${table.qualified}`);
  const reader = source.client.query(copyTo(`COPY (${select}) TO STDOUT WITH (FORMAT ${copy.format})`));
  const writer = target.client.query(copyFrom(`COPY ${table.qualified}${list ? ` (${list})` : ''} FROM STDIN WITH (FORMAT ${copy.format}, FREEZE)`));
  reader.on('data', (chunk: Buffer) => progress.addBytes(chunk.length));
  try {
    if (copy.masks.size > 0) await pipeline(reader, new CopyTextMasker(table.columns.length, copy.masks), writer);
    else await pipeline(reader, writer);
    await target.client.query('COMMIT');
  } catch (error) {
    throw new DbCopyError(`Could not copy ${table.key}: ${messageOf(error)}`, { cause: error });
  }
  progress.finish(writer.rowCount);
  return writer.rowCount;
}
