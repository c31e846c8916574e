import { retry } from '../../protocol/index.js';
import type { ShipConfig } from '../config.js';
import { MIN_KEPT_BYTES } from '../jobs/objects.js';
import type { Logger } from '../log.js';
import { LogBuffer } from './log-buffer.js';
import { planShipment, SHIP_RETRY } from './policy.js';
import type { LogSink } from './sinks.js';

export interface ShipperOptions {
  sink: LogSink;
  capBytes: number;
  ship: ShipConfig;
  logger: Logger;
  /** Bytes the log object holds already (0: it was created empty). */
  shippedBytes?: number;
  now?: () => number;
}

/** What the final uploads achieved. */
export interface ShipResult {
  /** The byte length of the log object as stored (written to `size`). */
  size: number;
  /** Whether every byte of the final log reached the sink. */
  complete: boolean;
}

/** How the final writes may retry: until this time (epoch ms), and at least a few times. */
export interface FinishOptions {
  deadlineAt: number;
  /**
   * When the final log cannot be written, the line that says so (given how many bytes of
   * output are lost): the log object is then rewritten once more as what it held plus this
   * line, which is smaller than the final log and so may still fit.
   */
  describeLoss?: (lostBytes: number) => string;
}

const MIN_FINAL_ATTEMPTS = 3;
/** How long the shorter log of `describeLoss` may be retried. */
const LOSS_LINE_WINDOW_MS = 3_000;

/**
 * Ships a job's output while it runs and writes the final objects when it ends: at most
 * one log upload in flight, paced by `planShipment`; at the end the final log and `exit`
 * side by side, then `size` (last, each once). `uploadedBytes` counts the log bytes sent, for
 * measuring the shipping cost.
 */
export class LogShipper {
  readonly buffer: LogBuffer;
  uploadedBytes = 0;
  uploads = 0;
  private shippedBytes: number;
  private lastAttemptAt: number | undefined;
  private failures = 0;
  private inFlight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private finished = false;
  private abandoned = false;
  /** An in-place extension failed: the job's later uploads send the whole log. */
  private extendFailed = false;
  private readonly now: () => number;

  constructor(private readonly options: ShipperOptions) {
    this.buffer = new LogBuffer(options.capBytes);
    this.shippedBytes = options.shippedBytes ?? 0;
    this.now = options.now ?? Date.now;
  }

  /** Adds output (copied) and ships it when the policy says so. Ignored after `finish`. */
  append(chunk: Uint8Array): void {
    if (this.finished) return;
    this.buffer.append(chunk);
    this.pump();
  }

  /** Stops every upload for good (the job was taken over: its closer writes the end): `finish` then writes nothing more. */
  abandon(): void {
    this.finished = true;
    this.abandoned = true;
    clearTimeout(this.timer);
  }

  /**
   * Appends the closing line (if any) and uploads the final log and exit together (no
   * reader looks at exit before size), then size strictly after both.
   */
  async finish(exit: number, closingLine: string | undefined, options: FinishOptions): Promise<ShipResult> {
    this.finished = true;
    clearTimeout(this.timer);
    const exitWritten = this.retryUntil(options.deadlineAt, 'exit', () => this.options.sink.putExit(String(exit)));
    await this.inFlight;
    if (closingLine !== undefined) {
      this.buffer.append(Buffer.from(`${this.buffer.atLineStart ? '' : '\n'}${closingLine}\n`));
    }
    const finalLength = this.buffer.finalLength;
    const finalFrom = (from: number) => this.buffer.finalView(from);
    let complete = true;
    if (finalLength !== this.shippedBytes) {
      complete = await this.retryUntil(options.deadlineAt, 'log', () => this.writeLog(finalLength, finalFrom));
      if (complete) this.shippedBytes = finalLength;
      else if (options.describeLoss) await this.shipLossLine(this.buffer.finalView(), options.describeLoss(finalLength - this.shippedBytes));
    }
    // If the final log could not be written, size names what the object holds, so that
    // readers end instead of waiting for bytes that will never come.
    const size = this.shippedBytes;
    await exitWritten;
    await this.retryUntil(options.deadlineAt, 'size', () => this.options.sink.putSize(String(size)));
    return { size, complete };
  }

  /** Rewrites the log as the bytes it holds plus `line`: readers' bytes stay, and the loss is said. */
  private async shipLossLine(final: Uint8Array, line: string): Promise<void> {
    const held = final.subarray(0, this.shippedBytes);
    const newline = held.byteLength > 0 && held[held.byteLength - 1] !== 0x0a ? '\n' : '';
    const patched = Buffer.concat([held, Buffer.from(`${newline}${line}\n`)]);
    const written = await this.retryUntil(this.now() + LOSS_LINE_WINDOW_MS, 'log (with the loss line)', () => this.writeLog(patched.byteLength, (from) => patched.subarray(from)));
    if (written) this.shippedBytes = patched.byteLength;
  }

  private pump(): void {
    if (this.finished || this.inFlight) return;
    const decision = planShipment(
      {
        now: this.now(),
        liveBytes: this.buffer.liveLength,
        shippedBytes: this.shippedBytes,
        lastAttemptAt: this.lastAttemptAt,
        failures: this.failures,
        liveComplete: this.buffer.liveLength >= this.buffer.headLimit,
      },
      this.options.ship,
    );
    if (decision.kind === 'ship') {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.inFlight = this.uploadLive().finally(() => {
        this.inFlight = undefined;
        this.pump();
      });
    } else if (decision.kind === 'wait' && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, decision.ms);
    }
  }

  private async uploadLive(): Promise<void> {
    const view = this.buffer.liveView();
    this.lastAttemptAt = this.now();
    try {
      await this.writeLog(view.byteLength, (from) => view.subarray(from));
      this.shippedBytes = view.byteLength;
      this.failures = 0;
    } catch (error) {
      this.failures += 1;
      this.options.logger.warn('log upload failed; retrying with the whole log', { failures: this.failures, error });
    }
  }

  /**
   * Replaces the log object with a log of `length` bytes (`bytesFrom(n)`: its bytes from n on),
   * which begins with the bytes the object holds (the log is prefix-consistent, LogBuffer).
   * Past MIN_KEPT_BYTES shipped, a sink that can extends the object in place and is sent only
   * the new bytes: a big log then costs about its size in uploads, not its size again at each
   * upload (a 64 MiB output's final log: 8 MiB sent instead of 32). If that fails, the whole
   * log is sent, and so are the job's later uploads (a refusal, such as a policy without the
   * multipart calls, would otherwise cost every upload a failed try and a warning).
   */
  private async writeLog(length: number, bytesFrom: (from: number) => Uint8Array<ArrayBuffer>): Promise<void> {
    const kept = this.shippedBytes;
    const { sink } = this.options;
    if (sink.extendLog && !this.extendFailed && kept >= MIN_KEPT_BYTES && length > kept) {
      try {
        await sink.extendLog(kept, bytesFrom(kept));
        this.countUpload(length - kept);
        return;
      } catch (error) {
        this.extendFailed = true;
        this.options.logger.warn('extending the log in place failed; uploading it whole from now on', { keptBytes: kept, error });
      }
    }
    await sink.putLog(bytesFrom(0));
    this.countUpload(length);
  }

  private countUpload(bytes: number): void {
    this.uploadedBytes += bytes;
    this.uploads += 1;
  }

  /**
   * Runs `attempt` until it succeeds, retrying (the shared helper, SHIP_RETRY) while time
   * remains and at least MIN_FINAL_ATTEMPTS times; false if it never did or the shipper was abandoned.
   */
  private async retryUntil(deadlineAt: number, what: string, attempt: () => Promise<void>): Promise<boolean> {
    let failures = 0;
    try {
      await retry(
        async () => {
          if (this.abandoned) throw new AbandonedError();
          await attempt();
        },
        SHIP_RETRY,
        {
          isRetryable: (error) => !(error instanceof AbandonedError),
          deadlineAt,
          minAttempts: MIN_FINAL_ATTEMPTS,
          now: this.now,
          onRetry: ({ error }, count) => {
            failures = count;
            this.options.logger.warn(`final ${what} upload failed; retrying`, { failures, error });
          },
        },
      );
      return true;
    } catch (error) {
      if (!(error instanceof AbandonedError)) this.options.logger.warn(`final ${what} upload failed; giving up`, { failures: failures + 1, error });
      return false;
    }
  }
}

/** The shipper was abandoned (its job was taken over): no more uploads. */
class AbandonedError extends Error {
  constructor() {
    super('The log shipper was abandoned');
    this.name = 'AbandonedError';
  }
}
