import { extname } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { MaskRule } from './args.js';
import type { Column } from './catalog.js';
import type { FieldFormat } from './mask-rules.js';

/** One masked column, in a form that can be sent to a worker thread. */
export interface MaskSpec {
  index: number;
  rule: MaskRule;
  column: Column;
}

/** What the worker needs to build its masker. */
export interface MaskerSetup {
  columnCount: number;
  specs: MaskSpec[];
  key: string | undefined;
  /** The table's COPY format. */
  format: FieldFormat;
}

/** A chunk to mask, or (no chunk) the end of the stream. */
export interface MaskerRequest {
  chunk?: Uint8Array;
}

/** A masked chunk, the row count at the end, or the error that stopped the masker. */
export interface MaskerReply {
  chunk?: Uint8Array;
  rows?: number;
  error?: string;
}

/** Chunks sent to the worker and not yet back: enough to keep it busy while the servers wait. */
const IN_FLIGHT = 4;

// A worker thread does not inherit tsx's `--import` hooks: under tsx (TypeScript sources,
// as in the tests) the loader registers tsx first, then imports the worker module.
const LOADER = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.preload) (await import(workerData.preload)).register();
  await import(workerData.entry);
})().catch((error) => { throw error; });
`;

/**
 * Masks a COPY stream of whole CopyData messages (as CopyOutFrames reads them) in a worker
 * thread (CopyTextMasker or CopyBinaryMasker there), each batch into one message, so that
 * the masking of every stream runs beside the main thread's relaying and the other
 * streams' masking.
 * Chunks keep their order; at most IN_FLIGHT chunks are out at the worker and no chunk is
 * taken while the readable side is full, so backpressure holds end to end.
 */
export class ThreadedMasker extends Transform {
  rows = 0;
  private readonly worker: Worker;
  private inFlight = 0;
  private waiting: TransformCallback | undefined;
  private flushed: TransformCallback | undefined;
  /** The worker reported the end (or the stream was destroyed): its exit is expected. */
  private ended = false;
  /** The last push found the readable side full: wait for the next read. */
  private full = false;

  constructor(setup: MaskerSetup) {
    super({ readableHighWaterMark: 1 << 16, writableHighWaterMark: 1 << 19 });
    const extension = extname(fileURLToPath(import.meta.url));
    this.worker = new Worker(LOADER, {
      eval: true,
      workerData: {
        ...setup,
        entry: new URL(`./mask-worker${extension}`, import.meta.url).href,
        preload: extension === '.ts' ? import.meta.resolve('tsx/esm/api') : undefined,
      },
    });
    this.worker.on('message', (reply: MaskerReply) => this.onReply(reply));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => {
      if (!this.ended) this.fail(new Error(`Expected the mask worker to run until the stream ended, got exit ${code}`));
    });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.send([chunk], done);
  }

  /**
   * The chunks that piled up while the worker was busy go as one message: socket reads
   * are often a few KB, and a message each cost the worker more than the masking of small
   * rows (a fifth of its time in postMessage, profiled).
   */
  override _writev(chunks: { chunk: Buffer }[], done: (error?: Error | null) => void): void {
    this.send(
      chunks.map((entry) => entry.chunk),
      done,
    );
  }

  private send(chunks: Buffer[], done: TransformCallback): void {
    // A copy that owns its memory can be transferred; a chunk may share a pooled buffer.
    const own = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
    let at = 0;
    for (const chunk of chunks) {
      own.set(chunk, at);
      at += chunk.length;
    }
    this.worker.postMessage({ chunk: own } satisfies MaskerRequest, [own.buffer]);
    this.inFlight++;
    this.waiting = done;
    this.release();
  }

  override _flush(done: TransformCallback): void {
    this.flushed = done;
    this.worker.postMessage({} satisfies MaskerRequest);
  }

  override _read(size: number): void {
    this.full = false;
    this.release();
    super._read(size);
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.ended = true;
    void this.worker.terminate();
    done(error);
  }

  private onReply(reply: MaskerReply): void {
    if (reply.error !== undefined) return this.fail(new Error(reply.error));
    if (reply.chunk !== undefined) {
      this.inFlight--;
      this.full = !this.push(Buffer.from(reply.chunk.buffer, reply.chunk.byteOffset, reply.chunk.byteLength));
      this.release();
      return;
    }
    this.rows = reply.rows ?? 0;
    this.ended = true;
    void this.worker.terminate();
    this.flushed?.();
  }

  /** Asks for the next chunk once the worker has room and the reader has taken enough. */
  private release(): void {
    const done = this.waiting;
    if (done === undefined || this.inFlight >= IN_FLIGHT || this.full) return;
    this.waiting = undefined;
    done();
  }

  private fail(error: Error): void {
    this.ended = true;
    const flushed = this.flushed;
    this.flushed = undefined;
    void this.worker.terminate();
    if (flushed !== undefined) flushed(error);
    else this.destroy(error);
  }
}
