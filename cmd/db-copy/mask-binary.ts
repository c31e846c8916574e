// Masking of PostgreSQL's binary COPY format: a header (signature, flags, extension), then
// per row an int16 field count and per field an int32 length (-1 for NULL) and that many
// bytes, then an int16 -1. Fields are found by their lengths, so nothing is scanned, and a
// text value's binary form is its bytes as they are (no escaping). Used for masked tables
// whose columns are all of built-in types and whose masked columns are all text.
import type { FieldMask } from './mask-stream.js';
import { forEachPayload, MaskOutput } from './mask-output.js';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const COPY_DATA = 0x64;
/** Signature, flags (int32), header extension length (int32). */
const HEADER_SIZE = SIGNATURE.length + 8;

const enum State {
  Header,
  Extension,
  Tuple,
  Field,
  Pass,
  Masked,
  End,
}

/** The size of the fixed part a state reads. */
const FIXED_SIZE: Partial<Record<State, number>> = { [State.Header]: HEADER_SIZE, [State.Tuple]: 2, [State.Field]: 4 };

/**
 * Rewrites the masked columns of a binary COPY stream and copies every other byte through
 * in runs. It holds at most the masked field being read and a few header bytes cut
 * between two messages, whatever the row width.
 */
export class CopyBinaryMasker {
  rows = 0;
  private state = State.Header;
  private column = 0;
  /** Bytes left of the field (or header extension) being passed or masked. */
  private remaining = 0;
  /** A fixed part (header, count, length) cut between two messages, so far. */
  private head = Buffer.alloc(0);
  private field: Buffer[] = [];
  private readonly maskOf: (FieldMask | undefined)[];
  private readonly out = new MaskOutput();

  constructor(
    private readonly columnCount: number,
    masks: ReadonlyMap<number, FieldMask>,
  ) {
    this.maskOf = Array.from({ length: columnCount }, (_, index) => masks.get(index));
  }

  /** Masks a chunk of whole CopyData messages into one CopyData message (see CopyTextMasker.maskFrames). */
  maskFrames(chunk: Buffer): Buffer {
    this.out.begin(chunk.length, 5);
    forEachPayload(chunk, (bytes, start, end) => this.feed(bytes, start, end));
    return this.out.takeMessage();
  }

  /**
   * Like maskFrames, for a chunk the caller gives up: while every masked value keeps its
   * byte length (`partial` on ASCII text, say), the values are written into the chunk
   * itself, which comes back with nothing else copied; from the first row where one does
   * not, the rest goes through maskFrames.
   */
  maskFramesInPlace(chunk: Buffer): Buffer {
    let position = 0;
    while (position + 5 <= chunk.length && this.state === State.Tuple && this.head.length === 0 && chunk[position] === COPY_DATA) {
      const start = position + 5;
      const end = position + 1 + chunk.readUInt32BE(position + 1);
      if (end > chunk.length || this.rowEnd(chunk, start, end) !== end || !this.maskRowInPlace(chunk, start)) break;
      position = end;
    }
    if (position === chunk.length) return chunk;
    const rest = this.maskFrames(chunk.subarray(position));
    if (position === 0) return rest;
    // A buffer of its own (Buffer.concat may use the shared pool, which must not be transferred).
    const joined = Buffer.allocUnsafeSlow(position + rest.length);
    chunk.copy(joined, 0, 0, position);
    rest.copy(joined, position);
    return joined;
  }

  /** Masks a whole row in place if every masked value keeps its byte length; otherwise changes nothing and says so. */
  private maskRowInPlace(chunk: Buffer, position: number): boolean {
    const values: { at: number; masked: Buffer | string }[] = [];
    let at = position + 2;
    for (let column = 0; column < this.columnCount; column++) {
      const length = chunk.readInt32BE(at);
      const mask = this.maskOf[column];
      if (mask !== undefined && length !== -1) {
        const masked = mask(chunk, at + 4, at + 4 + length);
        if (masked === null || (typeof masked === 'string' ? Buffer.byteLength(masked) : masked.length) !== length) return false;
        values.push({ at: at + 4, masked });
      }
      at += 4 + (length > 0 ? length : 0);
    }
    for (const { at: offset, masked } of values) {
      if (typeof masked === 'string') chunk.write(masked, offset, 'utf8');
      else masked.copy(chunk, offset);
    }
    this.rows++;
    return true;
  }

  /** Masks a chunk of the binary COPY stream itself (unframed). */
  maskChunk(chunk: Buffer): Buffer {
    this.out.begin(chunk.length, 0);
    this.feed(chunk, 0, chunk.length);
    return this.out.take();
  }

  /** Checks that the stream ended with its trailer. */
  checkEnd(): void {
    if (this.state !== State.End) throw new Error(`Expected the binary COPY stream to end with its trailer, got its end ${this.where()}`);
  }

  private feed(chunk: Buffer, start: number, end: number): void {
    let position = start;
    // Bytes [run, position) are copied through as they are, in one go when something else must be written.
    let run = start;
    while (position < end) {
      const state = this.state;
      if (state === State.Tuple && this.head.length === 0) {
        // The common case: a whole row in this chunk (the server sends one row per message).
        const after = this.rowEnd(chunk, position, end);
        if (after !== -1) {
          run = this.writeRow(chunk, position, run);
          position = after;
          continue;
        }
      }
      if (state === State.Pass || state === State.Extension) {
        const count = Math.min(this.remaining, end - position);
        position += count;
        this.remaining -= count;
        if (this.remaining === 0) {
          if (state === State.Extension) this.state = State.Tuple;
          else this.nextField();
        }
        continue;
      }
      if (state === State.Masked) {
        const count = Math.min(this.remaining, end - position);
        this.field.push(chunk.subarray(position, position + count));
        position += count;
        run = position;
        this.remaining -= count;
        if (this.remaining === 0) this.writeMasked();
        continue;
      }
      if (state === State.End) throw new Error(`Expected nothing after the binary COPY trailer, got ${end - position} more bytes`);
      const size = FIXED_SIZE[state] as number;
      let bytes = chunk;
      let at = position;
      if (this.head.length > 0 || end - position < size) {
        // A fixed part cut between messages: gather it, and copy it out from here.
        const count = Math.min(size - this.head.length, end - position);
        this.out.append(chunk, run, position);
        this.head = Buffer.concat([this.head, chunk.subarray(position, position + count)]);
        position += count;
        run = position;
        if (this.head.length < size) continue;
        bytes = this.head;
        at = 0;
        this.head = Buffer.alloc(0);
        if (!this.isMaskedLength(bytes, at)) this.out.append(bytes, 0, size);
      } else {
        position += size;
        if (this.isMaskedLength(bytes, at)) {
          this.out.append(chunk, run, at);
          run = position;
        }
      }
      this.readFixed(bytes, at);
    }
    this.out.append(chunk, run, position);
  }

  /** Where the row starting at `position` ends, when all of it is before `end` (-1 otherwise, or for the trailer). */
  private rowEnd(chunk: Buffer, position: number, end: number): number {
    if (position + 2 > end || chunk.readInt16BE(position) !== this.columnCount) return -1;
    let at = position + 2;
    for (let column = 0; column < this.columnCount; column++) {
      if (at + 4 > end) return -1;
      const length = chunk.readInt32BE(at);
      at += 4 + (length > 0 ? length : 0);
      if (length < -1 || at > end) return -1;
    }
    return at;
  }

  /** Writes a whole row (checked by rowEnd): its masked values, and the bytes between them as a run. Returns the new run start. */
  private writeRow(chunk: Buffer, position: number, run: number): number {
    let at = position + 2;
    for (let column = 0; column < this.columnCount; column++) {
      const length = chunk.readInt32BE(at);
      const mask = this.maskOf[column];
      if (mask === undefined || length === -1) {
        at += 4 + (length > 0 ? length : 0);
        continue;
      }
      this.out.append(chunk, run, at);
      this.column = column;
      this.writeValue(mask(chunk, at + 4, at + 4 + length));
      at += 4 + length;
      run = at;
    }
    this.rows++;
    this.column = 0;
    return run;
  }

  /** Whether these bytes are the length of a masked, non-NULL field (not copied: the masked value gets its own). */
  private isMaskedLength(bytes: Buffer, at: number): boolean {
    return this.state === State.Field && this.maskOf[this.column] !== undefined && bytes.readInt32BE(at) !== -1;
  }

  /** Acts on a whole fixed part: the header, a row's field count, a field's length. */
  private readFixed(bytes: Buffer, at: number): void {
    if (this.state === State.Header) {
      if (!bytes.subarray(at, at + SIGNATURE.length).equals(SIGNATURE)) {
        throw new Error(`Expected the binary COPY signature, got ${JSON.stringify(bytes.toString('latin1', at, at + SIGNATURE.length))}`);
      }
      this.remaining = bytes.readUInt32BE(at + SIGNATURE.length + 4);
      this.state = this.remaining > 0 ? State.Extension : State.Tuple;
      return;
    }
    if (this.state === State.Tuple) {
      const count = bytes.readInt16BE(at);
      if (count === -1) {
        this.state = State.End;
      } else if (count !== this.columnCount) {
        throw new Error(`Expected ${this.columnCount} fields in each row of the binary COPY stream, got ${count} in row ${this.rows + 1}`);
      } else {
        this.column = 0;
        this.state = State.Field;
        if (count === 0) this.nextField();
      }
      return;
    }
    const length = bytes.readInt32BE(at);
    if (length === -1) return this.nextField();
    if (length < 0) throw new Error(`Expected a field length of -1 or more, got ${length} ${this.where()}`);
    this.remaining = length;
    this.state = this.maskOf[this.column] === undefined ? State.Pass : State.Masked;
    if (length === 0) {
      if (this.state === State.Masked) this.writeMasked();
      else this.nextField();
    }
  }

  private writeMasked(): void {
    const value = this.field.length === 1 ? (this.field[0] as Buffer) : Buffer.concat(this.field);
    this.field = [];
    this.writeValue((this.maskOf[this.column] as FieldMask)(value, 0, value.length));
    this.nextField();
  }

  /** Writes a masked value with its length (-1 for NULL). */
  private writeValue(masked: Buffer | string | null): void {
    if (masked === null) {
      this.out.appendInt32(-1);
    } else if (typeof masked === 'string') {
      const at = this.out.length;
      this.out.appendInt32(0);
      this.out.patchInt32(this.out.appendString(masked), at);
    } else {
      this.out.appendInt32(masked.length);
      this.out.append(masked, 0, masked.length);
    }
  }

  private nextField(): void {
    this.column++;
    if (this.column < this.columnCount) {
      this.state = State.Field;
      return;
    }
    this.rows++;
    this.column = 0;
    this.state = State.Tuple;
  }

  private where(): string {
    if (this.state === State.Header || this.state === State.Extension) return 'in its header';
    if (this.state === State.Tuple) return `after row ${this.rows}`;
    return `in row ${this.rows + 1}, column ${this.column + 1} of ${this.columnCount}`;
  }
}
