import { Transform, type TransformCallback } from 'node:stream';
import { COPY_NULL } from './copy-text.js';

/** Masks one field: gets its raw COPY text bytes (never `\N`), returns the new field, or null for NULL. */
export type FieldMask = (field: Buffer) => Buffer | null;

const TAB = 0x09;
const NEWLINE = 0x0a;

/**
 * Rewrites the masked columns of a COPY text stream and passes every other byte through
 * untouched, without splitting rows into fields beyond the last masked column. It holds
 * at most one chunk plus the masked field being read, whatever the row width (an
 * unmasked field of any size streams through), and as a Transform it honours backpressure.
 */
export class CopyTextMasker extends Transform {
  private column = 0;
  private field: Buffer[] = [];
  /** The masks by column index (holes for unmasked columns). */
  private readonly maskOf: (FieldMask | undefined)[];
  private out = Buffer.alloc(0);
  private length = 0;
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
    this.maskOf = Array.from({ length: columnCount }, (_, index) => masks.get(index));
    this.nextMasked = new Int32Array(columnCount + 1).fill(-1);
    for (let index = columnCount - 1; index >= 0; index--) this.nextMasked[index] = masks.has(index) ? index : (this.nextMasked[index + 1] as number);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      done(null, this.maskChunk(chunk));
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.checkEnd();
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  /**
   * Masks the next chunk of the stream (synchronously: a worker thread calls it directly).
   * The result is written into one buffer of its own (never a pooled one), so that a worker
   * can transfer it.
   */
  maskChunk(chunk: Buffer): Buffer {
    this.out = Buffer.allocUnsafeSlow(chunk.length + (chunk.length >> 2) + 256);
    this.length = 0;
    let position = 0;
    const end = chunk.length;
    while (position < end) {
      const mask = this.maskOf[this.column];
      if (mask !== undefined) {
        const isLast = this.column === this.last;
        const stop = chunk.indexOf(isLast ? NEWLINE : TAB, position);
        if (stop === -1) {
          this.field.push(chunk.subarray(position));
          break;
        }
        let raw = chunk.subarray(position, stop);
        if (this.field.length > 0) {
          this.field.push(raw);
          raw = Buffer.concat(this.field);
          this.field = [];
        }
        const masked = isNull(raw) ? raw : (mask(raw) ?? COPY_NULL);
        this.append(masked, 0, masked.length);
        this.appendByte(isLast ? NEWLINE : TAB);
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
          this.append(chunk, position, end);
          break;
        }
        this.append(chunk, position, stop + 1);
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
      this.append(chunk, position, cursor);
      position = cursor;
    }
    return this.out.subarray(0, this.length);
  }

  private append(source: Buffer, start: number, end: number): void {
    const count = end - start;
    if (this.length + count > this.out.length) this.grow(count);
    source.copy(this.out, this.length, start, end);
    this.length += count;
  }

  private appendByte(byte: number): void {
    if (this.length === this.out.length) this.grow(1);
    this.out[this.length++] = byte;
  }

  private grow(count: number): void {
    const bigger = Buffer.allocUnsafeSlow(Math.max(this.out.length * 2, this.length + count));
    this.out.copy(bigger, 0, 0, this.length);
    this.out = bigger;
  }

  /** Checks that the stream ended at a row end. */
  checkEnd(): void {
    if (this.field.length > 0 || this.column !== 0) throw new Error(`Expected the COPY stream to end at a row end, got a partial row (column ${this.column + 1} of ${this.columnCount})`);
  }
}

function isNull(raw: Buffer): boolean {
  return raw.length === 2 && raw[0] === 0x5c && raw[1] === 0x4e;
}
