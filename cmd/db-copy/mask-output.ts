// The output side shared by the COPY text and binary maskers: one growing buffer per
// chunk, and the CopyData framing of chunks that come as whole protocol messages.

const COPY_DATA = 0x64;

/** A masker's output for one chunk, in a buffer of its own (never a pooled one, so a worker can transfer it). */
export class MaskOutput {
  bytes = Buffer.alloc(0);
  length = 0;

  /** Starts the output of a chunk of `size` bytes, keeping `reserved` bytes at the front (a message header). */
  begin(size: number, reserved: number): void {
    this.bytes = Buffer.allocUnsafeSlow(size + (size >> 2) + 256);
    this.length = reserved;
  }

  append(source: Buffer, start: number, end: number): void {
    const count = end - start;
    if (count <= 0) return;
    if (this.length + count > this.bytes.length) this.grow(count);
    source.copy(this.bytes, this.length, start, end);
    this.length += count;
  }

  appendByte(byte: number): void {
    if (this.length === this.bytes.length) this.grow(1);
    this.bytes[this.length++] = byte;
  }

  /** Appends a string as UTF-8 (up to 3 bytes per UTF-16 unit); returns its byte length. */
  appendString(text: string): number {
    if (this.length + text.length * 3 > this.bytes.length) this.grow(text.length * 3);
    const written = this.bytes.write(text, this.length, 'utf8');
    this.length += written;
    return written;
  }

  appendInt32(value: number): void {
    if (this.length + 4 > this.bytes.length) this.grow(4);
    this.bytes.writeInt32BE(value, this.length);
    this.length += 4;
  }

  /** Writes a value at an earlier position (a length known only after what follows it). */
  patchInt32(value: number, at: number): void {
    this.bytes.writeInt32BE(value, at);
  }

  /** The output so far. */
  take(): Buffer {
    return this.bytes.subarray(0, this.length);
  }

  /** The output as one CopyData message, in the 5 bytes begin() reserved. */
  takeMessage(): Buffer {
    this.bytes[0] = COPY_DATA;
    this.bytes.writeUInt32BE(this.length - 1, 1);
    return this.take();
  }

  private grow(count: number): void {
    const bigger = Buffer.allocUnsafeSlow(Math.max(this.bytes.length * 2, this.length + count));
    this.bytes.copy(bigger, 0, 0, this.length);
    this.bytes = bigger;
  }
}

/** Calls `feed` with the payload bounds of each CopyData message of a chunk of whole messages, or says what came instead. */
export function forEachPayload(chunk: Buffer, feed: (chunk: Buffer, start: number, end: number) => void): void {
  for (let position = 0; position < chunk.length; ) {
    const end = position + 1 + (position + 5 <= chunk.length ? chunk.readUInt32BE(position + 1) : 0);
    if (chunk[position] !== COPY_DATA || end < position + 5 || end > chunk.length) {
      throw new Error(`Expected whole CopyData messages, got byte ${chunk[position]} at ${position} of a ${chunk.length}-byte chunk`);
    }
    feed(chunk, position + 5, end);
    position = end;
  }
}
