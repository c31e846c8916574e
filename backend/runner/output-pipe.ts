import { execFile } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync, unlinkSync } from 'node:fs';
import { Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * One channel for a child's stdout AND stderr, as `2>&1` makes: both fds of the child
 * are the same write end, so the bytes arrive in the order the child wrote them.
 *
 * Node has no pipe() call, and its `stdio: 'pipe'` is a socketpair per stream (two
 * channels: order between them is lost). So the write end comes from a FIFO: a named
 * pipe, opened for reading (non-blocking, read through `net.Socket`) and for writing
 * (blocking, as a child expects), then unlinked at once. A real pipe also lets scripts
 * `echo x > /dev/stderr`, which fails on a socket (ENXIO). `mkfifo` is a process spawn,
 * so FIFOs are made in batches ahead of need. Where mkfifo is missing, a connected Unix
 * socket pair is the fallback: still one ordered channel.
 */
export interface OutputPipe {
  /** The write end, to hand to the child as its stdio 1 and 2; close it here after spawning. */
  writeEnd: number | Socket;
  /** The read end. */
  reader: Socket;
  /** Closes this process's copy of the write end (idempotent). */
  closeWriteEnd(): void;
}

const BATCH = 32;
const execFileAsync = promisify(execFile);

/** Pre-made FIFOs in a private directory (mode 0700), refilled in the background. */
class FifoPool {
  private dir: string | undefined;
  private ready: string[] = [];
  private refilling: Promise<void> | undefined;
  private serial = 0;
  unavailable = false;

  async take(): Promise<string | undefined> {
    if (this.ready.length === 0) await this.refill();
    const path = this.ready.pop();
    if (this.ready.length < BATCH / 2) void this.refill().catch(() => undefined);
    return path;
  }

  /** Returns an unused FIFO to the pool. */
  giveBack(path: string | undefined): void {
    if (path) this.ready.push(path);
  }

  private refill(): Promise<void> {
    if (this.unavailable) return Promise.resolve();
    this.refilling ??= this.makeBatch().finally(() => (this.refilling = undefined));
    return this.refilling;
  }

  private async makeBatch(): Promise<void> {
    try {
      if (!this.dir) {
        const dir = mkdtempSync(join(tmpdir(), 'aws-exec-fifo-'));
        this.dir = dir;
        process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
      }
      const dir = this.dir;
      const paths = Array.from({ length: BATCH }, () => join(dir, `${process.pid}-${++this.serial}`));
      await execFileAsync('mkfifo', ['-m', '600', ...paths]);
      this.ready.push(...paths);
    } catch {
      // No writable temp dir or no mkfifo: every job uses the socket pair instead.
      this.unavailable = true;
    }
  }
}

const pool = new FifoPool();

/** Makes the first batch of FIFOs now (at cold start), so the first job does not wait for mkfifo. */
export function prepareOutputPipes(): void {
  void pool.take().then(
    (path) => pool.giveBack(path),
    () => undefined,
  );
}

/** Opens a fresh single channel for a child's output (a pipe, or a socket pair as fallback). */
export async function openOutputPipe(): Promise<OutputPipe> {
  const path = await pool.take();
  return path ? openFifo(path) : openSocketPair();
}

function openFifo(path: string): OutputPipe {
  const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const writeFd = openSync(path, constants.O_WRONLY);
  unlinkSync(path);
  const reader = new Socket({ fd: readFd, readable: true, writable: false });
  return { writeEnd: writeFd, reader, closeWriteEnd: closeOnce(writeFd) };
}

/** The fallback channel: a connected Unix socket pair (one ordered channel, but /dev/stdout cannot be opened on it). */
export async function openSocketPair(): Promise<OutputPipe> {
  const server = createServer();
  const name = `aws-exec-${process.pid}-${Math.random().toString(36).slice(2)}.sock`;
  // Linux's abstract namespace needs no writable directory.
  const path = process.platform === 'linux' ? `\0${name}` : join(tmpdir(), name);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(path, resolve));
  try {
    const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
    const writer = new Socket();
    await new Promise<void>((resolve, reject) => writer.once('error', reject).connect(path, resolve));
    const reader = await accepted;
    return { writeEnd: writer, reader, closeWriteEnd: () => writer.destroy() };
  } finally {
    server.close();
    if (!path.startsWith('\0')) rmSync(path, { force: true });
  }
}

function closeOnce(fd: number): () => void {
  let closed = false;
  return () => {
    if (!closed) closeSync(fd);
    closed = true;
  };
}
