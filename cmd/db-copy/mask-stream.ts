import { Transform, type TransformCallback } from 'node:stream';
import { COPY_NULL } from './copy-text.js';

/** Masks one field: gets its raw COPY text bytes (never `\N`), returns the new field, or null for NULL. */
export type FieldMask = (field: Buffer) => Buffer | null;

const TAB = 0x09;
const NEWLINE = 0x0a;
const TAB_BYTE = Buffer.from([TAB]);
const NEWLINE_BYTE = Buffer.from([NEWLINE]);

/**
 * Rewrites the masked columns of a COPY text stream and passes every other byte through
 * untouched, without splitting rows into fields beyond the last masked column. It holds
 * at most one chunk plus the masked field being read, whatever the row width (an
 * unmasked field of any size streams through), and as a Transform it honours backpressure.
 */
export class CopyTextMasker extends Transform {
  private column = 0;
  private field: Buffer[] = [];
  private readonly last: number;
  /** For each column, the next masked column at or after it (or -1). */
  private readonly nextMasked: Int32Array;
  rows = 0;

  constructor(
    private readonly columnCount: number,
    private readonly masks: ReadonlyMap<number, FieldMask>,
  ) {
    super({ highWaterMark: 1 << 16 });
    this.last = columnCount - 1;
    this.nextMasked = new Int32Array(columnCount + 1).fill(-1);
    for (let index = columnCount - 1; index >= 0; index--) this.nextMasked[index] = masks.has(index) ? index : (this.nextMasked[index + 1] as number);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      const out: Buffer[] = [];
      let position = 0;
      const end = chunk.length;
      while (position < end) {
        const mask = this.masks.get(this.column);
        if (mask !== undefined) {
          const isLast = this.column === this.last;
          const stop = chunk.indexOf(isLast ? NEWLINE : TAB, position);
          if (stop === -1) {
            this.field.push(chunk.subarray(position));
            break;
          }
          this.field.push(chunk.subarray(position, stop));
          const raw = this.field.length === 1 ? (this.field[0] as Buffer) : Buffer.concat(this.field);
          this.field = [];
          out.push(isNull(raw) ? raw : (mask(raw) ?? COPY_NULL), isLast ? NEWLINE_BYTE : TAB_BYTE);
          position = stop + 1;
          if (isLast) {
            this.column = 0;
            this.rows++;
          } else {
            this.column++;
          }
          continue;
        }
        const target = this.nextMasked[this.column] as number;
        if (target === -1) {
          const stop = chunk.indexOf(NEWLINE, position);
          if (stop === -1) {
            out.push(chunk.subarray(position));
            break;
          }
          out.push(chunk.subarray(position, stop + 1));
          position = stop + 1;
          this.column = 0;
          this.rows++;
          continue;
        }
        // Skip whole unmasked fields up to the next masked column: a row has exactly
        // columnCount fields, so no newline can come before it.
        let cursor = position;
        while (this.column < target) {
          const stop = chunk.indexOf(TAB, cursor);
          if (stop === -1) {
            cursor = end;
            break;
          }
          cursor = stop + 1;
          this.column++;
        }
        out.push(chunk.subarray(position, cursor));
        position = cursor;
      }
      done(null, out.length === 1 ? out[0] : Buffer.concat(out));
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    if (this.field.length > 0 || this.column !== 0) done(new Error(`Expected the COPY stream to end at a row end, got a partial row (column ${this.column + 1} of ${this.columnCount})`));
    else done();
  }
}

function isNull(raw: Buffer): boolean {
  return raw.length === 2 && raw[0] === 0x5c && raw[1] === 0x4e;
}
