import { Transform, type TransformCallback } from 'node:stream';
import { COPY_NULL } from './copy-text.js';
import { forEachPayload, MaskOutput } from './mask-output.js';

/**
 * Masks one field: gets its bytes as the stream has them (COPY text, never `\N`; or a
 * binary COPY value), as bytes [start, end) of a buffer, and returns the new field (bytes
 * in the same format, or a string that needs no escaping), or null for NULL.
 */
export type FieldMask = (bytes: Buffer, start: number, end: number) => Buffer | string | null;

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
  private readonly out = new MaskOutput();
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
    this.out.begin(chunk.length, 0);
    this.feed(chunk, 0, chunk.length);
    return this.out.take();
  }

  /**
   * Masks a chunk of whole CopyData messages (as CopyOutFrames reads them) into one CopyData
   * message: each message's payload goes through the same masking as maskChunk's input,
   * which carries a row cut between two messages over to the next.
   */
  maskFrames(chunk: Buffer): Buffer {
    this.out.begin(chunk.length, 5);
    forEachPayload(chunk, (bytes, start, end) => this.feed(bytes, start, end));
    return this.out.takeMessage();
  }

  /** Masks bytes [start, end) of a chunk onto the output. */
  private feed(chunk: Buffer, start: number, end: number): void {
    let position = start;
    // indexOf searches to the buffer's end: a hit past `end` is in the next message.
    const find = (byte: number, from: number) => {
      const at = chunk.indexOf(byte, from);
      return at >= end ? -1 : at;
    };
    while (position < end) {
      const mask = this.maskOf[this.column];
      if (mask !== undefined) {
        const isLast = this.column === this.last;
        const stop = find(isLast ? NEWLINE : TAB, position);
        if (stop === -1) {
          this.field.push(chunk.subarray(position, end));
          break;
        }
        let bytes = chunk;
        let from = position;
        let to = stop;
        if (this.field.length > 0) {
          this.field.push(chunk.subarray(position, stop));
          bytes = Buffer.concat(this.field);
          from = 0;
          to = bytes.length;
          this.field = [];
        }
        const masked = isNull(bytes, from, to) ? COPY_NULL : (mask(bytes, from, to) ?? COPY_NULL);
        if (typeof masked === 'string') this.out.appendString(masked);
        else this.out.append(masked, 0, masked.length);
        this.out.appendByte(isLast ? NEWLINE : TAB);
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
        const stop = find(NEWLINE, position);
        if (stop === -1) {
          this.out.append(chunk, position, end);
          break;
        }
        this.out.append(chunk, position, stop + 1);
        position = stop + 1;
        this.column = 0;
        this.rows++;
        continue;
      }
      // Skip whole unmasked fields up to the next masked column: a row has exactly
      // columnCount fields, so no newline can come before it.
      let cursor = position;
      while (this.column < target) {
        const stop = find(TAB, cursor);
        if (stop === -1) {
          cursor = end;
          break;
        }
        cursor = stop + 1;
        this.column++;
      }
      this.out.append(chunk, position, cursor);
      position = cursor;
    }
  }

  /** Checks that the stream ended at a row end. */
  checkEnd(): void {
    if (this.field.length > 0 || this.column !== 0) throw new Error(`Expected the COPY stream to end at a row end, got a partial row (column ${this.column + 1} of ${this.columnCount})`);
  }
}

function isNull(bytes: Buffer, start: number, end: number): boolean {
  return end - start === 2 && bytes[start] === 0x5c && bytes[start + 1] === 0x4e;
}
