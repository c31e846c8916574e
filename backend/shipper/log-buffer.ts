import { truncationMarker } from '../../protocol/index.js';

const MARKER_MAX_BYTES = Buffer.byteLength(truncationMarker(Number.MAX_SAFE_INTEGER));
const INITIAL_HEAD_BYTES = 64 * 1024;

/**
 * A job's output, capped at `capBytes` with the head and the tail kept.
 *
 * The shipped log object must stay prefix-consistent for tailing readers: a reader at
 * offset N must never see bytes change under it. While the output is within the cap the
 * final log is the whole output; past it, the final log is head + marker + tail, and the
 * marker sits right after the head. So the only bytes safe to ship before the end are
 * the first `headLimit` bytes (`liveView`): they open the final log in both cases. Past
 * the head, readers wait for the end, when `finalView` (head, marker, tail) is shipped.
 *
 * Split: the tail keeps a quarter of the cap, the head the rest less room for the marker,
 * so the final log never exceeds the cap. Memory: the head is one buffer grown by
 * doubling (amortised copies, and `liveView` is a view, not a copy); the bytes past the
 * head go to a ring of `capBytes - headLimit` bytes, allocated only once the head is full.
 * Each byte is copied once on the way in, whatever the chunk sizes.
 */
export class LogBuffer {
  readonly headLimit: number;
  readonly tailLimit: number;
  private readonly restLimit: number;
  private head: Buffer<ArrayBuffer>;
  private headLength = 0;
  private ring: Buffer<ArrayBuffer> | undefined;
  private ringWrite = 0;
  private ringFilled = 0;
  private total = 0;
  private lastByte = -1;

  constructor(readonly capBytes: number) {
    if (!Number.isSafeInteger(capBytes) || capBytes < 4 * MARKER_MAX_BYTES) {
      throw new RangeError(`Expected a log cap of at least ${4 * MARKER_MAX_BYTES} bytes, got ${capBytes}`);
    }
    this.tailLimit = Math.floor(capBytes / 4);
    this.headLimit = capBytes - this.tailLimit - MARKER_MAX_BYTES;
    this.restLimit = capBytes - this.headLimit;
    this.head = Buffer.allocUnsafe(Math.min(INITIAL_HEAD_BYTES, this.headLimit));
  }

  /** Every byte ever appended, including those a truncation dropped. */
  get totalBytes(): number {
    return this.total;
  }

  /** Whether the final log will have its middle replaced by the marker. */
  get truncated(): boolean {
    return this.total > this.capBytes;
  }

  /** Whether the output so far is empty or ends with a newline. */
  get atLineStart(): boolean {
    return this.lastByte === -1 || this.lastByte === 0x0a;
  }

  /** How many bytes `liveView` holds. */
  get liveLength(): number {
    return this.headLength;
  }

  /** Appends output (copied: the caller may reuse `chunk`). */
  append(chunk: Uint8Array): void {
    if (chunk.byteLength === 0) return;
    this.total += chunk.byteLength;
    this.lastByte = chunk[chunk.byteLength - 1] ?? this.lastByte;
    let offset = 0;
    if (this.headLength < this.headLimit) {
      offset = Math.min(chunk.byteLength, this.headLimit - this.headLength);
      this.ensureHeadCapacity(this.headLength + offset);
      this.head.set(chunk.subarray(0, offset), this.headLength);
      this.headLength += offset;
    }
    if (offset < chunk.byteLength) this.appendRest(chunk.subarray(offset));
  }

  /** The bytes safe to ship while the job runs: the output's first `headLimit` bytes (a view). */
  liveView(): Uint8Array<ArrayBuffer> {
    return this.head.subarray(0, this.headLength);
  }

  /** How many bytes `finalView()` holds. */
  get finalLength(): number {
    if (this.ringFilled === 0) return this.headLength;
    if (!this.truncated) return this.total;
    return this.headLength + this.marker().byteLength + this.tailLimit;
  }

  /**
   * The final log from byte `from` on (0: all of it): the whole output, or head + marker +
   * tail past the cap. Only the bytes asked for are copied (a view when they lie in the head),
   * so a log extended in place past its shipped head costs a copy of the new bytes alone.
   */
  finalView(from = 0): Uint8Array<ArrayBuffer> {
    const head = this.head.subarray(0, this.headLength);
    const parts: Buffer<ArrayBuffer>[] = [head];
    if (this.ringFilled > 0) {
      const rest = this.readRing();
      if (this.truncated) parts.push(this.marker(), ...takeLast(rest, this.tailLimit));
      else parts.push(...rest);
    }
    return concatFrom(parts, from);
  }

  /** The marker that stands for the dropped middle of a truncated log. */
  private marker(): Buffer<ArrayBuffer> {
    return Buffer.from(truncationMarker(this.total - this.headLimit - this.tailLimit));
  }

  private ensureHeadCapacity(needed: number): void {
    if (needed <= this.head.byteLength) return;
    let capacity = this.head.byteLength;
    while (capacity < needed) capacity *= 2;
    const grown = Buffer.allocUnsafe(Math.min(capacity, this.headLimit));
    this.head.copy(grown, 0, 0, this.headLength);
    this.head = grown;
  }

  private appendRest(bytes: Uint8Array): void {
    this.ring ??= Buffer.allocUnsafe(this.restLimit);
    const size = this.ring.byteLength;
    if (bytes.byteLength >= size) {
      this.ring.set(bytes.subarray(bytes.byteLength - size));
      this.ringWrite = 0;
      this.ringFilled = size;
      return;
    }
    const first = Math.min(bytes.byteLength, size - this.ringWrite);
    this.ring.set(bytes.subarray(0, first), this.ringWrite);
    this.ring.set(bytes.subarray(first), 0);
    this.ringWrite = (this.ringWrite + bytes.byteLength) % size;
    this.ringFilled = Math.min(size, this.ringFilled + bytes.byteLength);
  }

  /** The ring's bytes, oldest first, as one or two views. */
  private readRing(): Buffer<ArrayBuffer>[] {
    const ring = this.ring;
    if (!ring) return [];
    if (this.ringFilled < ring.byteLength) return [ring.subarray(0, this.ringFilled)];
    return [ring.subarray(this.ringWrite), ring.subarray(0, this.ringWrite)].filter((part) => part.byteLength > 0);
  }
}

/** The bytes of a list of views from offset `from` on: a view when they lie in one part, else one copy. */
function concatFrom(parts: Buffer<ArrayBuffer>[], from: number): Buffer<ArrayBuffer> {
  let skip = Math.max(0, from);
  const kept: Buffer<ArrayBuffer>[] = [];
  for (const part of parts) {
    if (skip >= part.byteLength) {
      skip -= part.byteLength;
      continue;
    }
    kept.push(skip > 0 ? part.subarray(skip) : part);
    skip = 0;
  }
  if (kept.length === 1) return kept[0] as Buffer<ArrayBuffer>;
  return Buffer.concat(kept);
}

/** The last `count` bytes of a list of views (count must not exceed their total). */
function takeLast(parts: Buffer<ArrayBuffer>[], count: number): Buffer<ArrayBuffer>[] {
  const kept: Buffer<ArrayBuffer>[] = [];
  let needed = count;
  for (let i = parts.length - 1; i >= 0 && needed > 0; i--) {
    const part = parts[i];
    if (!part) continue;
    const take = Math.min(needed, part.byteLength);
    kept.unshift(part.subarray(part.byteLength - take));
    needed -= take;
  }
  return kept;
}
