// COPY between two servers with the protocol's CopyData messages passed through whole.
//
// A CopyData message ('d', length, bytes) is the same from server to client (COPY TO
// STDOUT) as from client to server (COPY FROM STDIN), so an unmasked table needs no
// unwrapping: the bytes read from the source's socket are written to the target's as they
// are, and only message headers are looked at; a masker gets whole messages (one row
// each, as the server sends them) and gives back one message per batch. pg-copy-streams,
// which this replaces, takes every row out of its message and wraps it again on the other
// side: that cost most of this process's CPU in an unmasked copy (1.5 s of 2.5 s in a
// 650 MB copy, profiled), and it competes with the two servers for the same cores. Like
// pg-copy-streams, these classes are pg "submittables": they take over the connection's
// socket for the length of the COPY and hand it back to pg for the messages that follow.
import { Readable, Writable } from 'node:stream';
import type pg from 'pg';

const COPY_DATA = 0x64; // d
const COPY_DONE = 0x63; // c
const ERROR_RESPONSE = 0x45; // E
const COPY_DONE_MESSAGE = Buffer.from([COPY_DONE, 0, 0, 0, 4]);

/** A pg Connection, with the CopyFail message its type declarations leave out. */
type CopyConnection = pg.Connection & { sendCopyFail(message: string): void };

function copyCount(message: { text?: string } | undefined): number | undefined {
  const match = /^COPY (\d+)/.exec(message?.text ?? '');
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/**
 * `COPY ... TO STDOUT` as a stream of whole CopyData messages, header included: every
 * chunk it pushes ends on a message boundary (so the target can be sent CopyFail between
 * any two of them), and is a slice of the socket's own chunk except for a message that
 * straddles two reads, which is joined. Notices and parameter changes that the server
 * sends in between are dropped; an error is handed back to pg, which reports it.
 */
export class CopyOutFrames extends Readable {
  rowCount = 0;
  private connection: CopyConnection | undefined;
  private pgDataHandler: ((chunk: Buffer) => void) | undefined;
  /** The start of a message the last read cut off. */
  private partial: Buffer[] = [];
  private partialLength = 0;
  /** Its whole size, once its header is in (0 before). */
  private partialSize = 0;
  private wanted = false;
  private forwarding = false;
  private finished = false;
  private readonly onReadable = () => this.forward();

  constructor(private readonly text: string) {
    super();
  }

  /** Called by pg when the query's turn comes. */
  submit(connection: pg.Connection): void {
    this.connection = connection as CopyConnection;
    const [handler, ...others] = connection.stream.listeners('data') as ((chunk: Buffer) => void)[];
    if (handler === undefined || others.length > 0) throw new Error(`Expected one data listener (pg's) on the connection, got ${others.length + (handler ? 1 : 0)}`);
    this.pgDataHandler = handler;
    connection.stream.removeListener('data', handler);
    connection.stream.pause();
    connection.stream.on('readable', this.onReadable);
    connection.query(this.text);
  }

  override _read(): void {
    this.wanted = true;
    this.forward();
  }

  private forward(): void {
    const connection = this.connection;
    if (this.forwarding || !this.wanted || connection === undefined || this.finished) return;
    this.forwarding = true;
    for (let chunk = connection.stream.read(); chunk !== null; chunk = this.finished || !this.wanted ? null : connection.stream.read()) {
      this.wanted = this.parse(chunk);
    }
    this.forwarding = false;
  }

  /** Pushes the whole messages of a chunk; returns whether more are wanted now. */
  private parse(chunk: Buffer): boolean {
    let offset = 0;
    const out: Buffer[] = [];
    if (this.partialLength > 0) {
      const joined = this.completePartial(chunk);
      if (joined === undefined) return true;
      offset = joined.used;
      if (joined.message[0] !== COPY_DATA) return this.control(joined.message, out, Buffer.concat([joined.message, chunk.subarray(offset)]), chunk.subarray(offset));
      out.push(joined.message);
    }
    let start = offset;
    while (offset + 5 <= chunk.length) {
      const code = chunk[offset];
      const end = offset + 1 + chunk.readUInt32BE(offset + 1);
      if (code === COPY_DATA) {
        if (end > chunk.length) break;
        offset = end;
        continue;
      }
      if (offset > start) out.push(chunk.subarray(start, offset));
      if (code !== ERROR_RESPONSE && end > chunk.length) {
        start = offset;
        break;
      }
      if (code === ERROR_RESPONSE || !this.skippable(code ?? 0)) return this.control(chunk.subarray(offset, end), out, chunk.subarray(offset), chunk.subarray(end));
      offset = end;
      start = offset;
    }
    if (offset > start) out.push(chunk.subarray(start, offset));
    if (offset < chunk.length) this.keepPartial(chunk.subarray(offset));
    return this.pushAll(out);
  }

  /**
   * Joins the cut-off message with the start of the next chunk once it is whole. Its size
   * is read once (from the first 5 bytes): a big row arriving in many reads is joined once,
   * not at every read.
   */
  private completePartial(chunk: Buffer): { message: Buffer; used: number } | undefined {
    if (this.partialSize === 0) {
      const head = Buffer.concat([...this.partial, chunk.subarray(0, 5)]);
      if (head.length < 5) {
        this.keepPartial(chunk);
        return undefined;
      }
      this.partialSize = 1 + head.readUInt32BE(1);
    }
    const used = this.partialSize - this.partialLength;
    if (used > chunk.length) {
      this.keepPartial(chunk);
      return undefined;
    }
    const message = Buffer.concat([...this.partial, chunk.subarray(0, used)], this.partialSize);
    this.partial = [];
    this.partialLength = 0;
    this.partialSize = 0;
    return { message, used };
  }

  private keepPartial(bytes: Buffer): void {
    this.partial.push(bytes);
    this.partialLength += bytes.length;
  }

  /** Messages a server may send in the middle of a COPY: a notice, a notification, a parameter status (and the CopyOutResponse that opens it). */
  private skippable(code: number): boolean {
    return code === 0x4e || code === 0x41 || code === 0x53 || code === 0x48;
  }

  /**
   * A message that is not data: skipped, or the end (CopyDone; an error) where the stream
   * pushes what it has, and hands the socket and the bytes still unread back to pg.
   */
  private control(message: Buffer, out: Buffer[], fromMessage: Buffer, afterMessage: Buffer): boolean {
    if (this.skippable(message[0] ?? 0)) {
      // Only reached for a message that straddled two reads: go on with the rest of the chunk.
      const more = this.pushAll(out);
      return afterMessage.length === 0 ? more : this.parse(afterMessage) && more;
    }
    this.pushAll(out);
    this.finished = true;
    const done = message[0] === COPY_DONE;
    this.detach(done ? afterMessage : fromMessage);
    if (done) this.push(null);
    return false;
  }

  private pushAll(out: Buffer[]): boolean {
    let more = true;
    for (const bytes of out) more = this.push(bytes);
    return more;
  }

  private detach(unread: Buffer): void {
    const connection = this.connection;
    const handler = this.pgDataHandler;
    if (connection === undefined || handler === undefined) return;
    connection.stream.removeListener('readable', this.onReadable);
    connection.stream.on('data', handler);
    if (unread.length > 0) handler(unread);
    // As pg-copy-streams does: pg's own data handler may pause the socket, so resume after it.
    process.nextTick(() => connection.stream.resume());
  }

  /** pg: the server's error (the socket is pg's again by then). */
  handleError(error: Error): void {
    this.destroy(error);
  }

  handleCommandComplete(message: { text?: string }): void {
    this.rowCount = copyCount(message) ?? this.rowCount;
  }

  handleReadyForQuery(): void {}
}

/**
 * `COPY ... FROM STDIN` fed with whole CopyData messages (from a CopyOutFrames), written
 * to the socket as they are, with the socket's backpressure. Ending sends CopyDone and
 * finishes once the server has committed the rows to the transaction (ReadyForQuery);
 * destroying it sends CopyFail, so the server rolls the COPY back.
 */
export class CopyInFrames extends Writable {
  rowCount = 0;
  private connection: CopyConnection | undefined;
  private ready = false;
  private waiting: (() => void) | undefined;
  private finishing: ((error?: Error | null) => void) | undefined;
  private failing: ((error?: Error | null) => void) | undefined;

  constructor(private readonly text: string) {
    super({ highWaterMark: 1 << 18 });
  }

  submit(connection: pg.Connection): void {
    this.connection = connection as CopyConnection;
    connection.query(this.text);
  }

  /** pg's query timeout hook (none is set; pg still looks for it). */
  callback(): void {}

  private whenReady(step: () => void): void {
    if (this.ready) step();
    else this.waiting = step;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.send(chunk, callback);
  }

  /** Chunks that piled up go out in one write (a socket read is often a few KB). */
  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    this.send(Buffer.concat(chunks.map((entry) => entry.chunk)), callback);
  }

  private send(chunk: Buffer, callback: (error?: Error | null) => void): void {
    this.whenReady(() => {
      const stream = this.connection?.stream;
      if (stream === undefined) return callback(new Error('the COPY FROM connection is gone'));
      if (stream.write(chunk)) callback();
      else stream.once('drain', () => callback());
    });
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.finishing = callback;
    this.whenReady(() => this.connection?.stream.write(COPY_DONE_MESSAGE));
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const connection = this.connection;
    if (connection === undefined || this.finishing !== undefined) return callback(error);
    this.failing = callback;
    this.whenReady(() => connection.sendCopyFail(error?.message ?? 'the copy was stopped'));
  }

  /** pg: the server asks for the data. */
  handleCopyInResponse(): void {
    this.ready = true;
    const step = this.waiting;
    this.waiting = undefined;
    step?.();
  }

  handleCommandComplete(message: { text?: string }): void {
    this.rowCount = copyCount(message) ?? this.rowCount;
  }

  handleReadyForQuery(): void {
    const finishing = this.finishing;
    this.finishing = undefined;
    this.connection = undefined;
    finishing?.();
  }

  handleError(error: Error): void {
    const failing = this.failing ?? this.finishing;
    this.failing = undefined;
    this.finishing = undefined;
    this.connection = undefined;
    if (failing !== undefined) failing(error);
    else this.destroy(error);
  }
}
