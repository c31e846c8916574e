import { Transform } from 'node:stream';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { CopyInFrames, CopyOutFrames } from '../../../cmd/db-copy/copy-frames.js';

/** A pg Connection as the frames see it: a real stream for the socket, pg's parser as its one 'data' listener. */
interface FakeConnection {
  /** The socket: what is written to it comes out of it (the server's bytes in a copy out; recorded in `written` for a copy in). */
  stream: Transform;
  /** Each chunk written to the socket, as it was written. */
  written: Buffer[];
  /** What pg's parser got, in order. */
  pgReceived: Buffer[];
  queries: string[];
  copyFails: string[];
  query(text: string): void;
  sendCopyFail(message: string): void;
}

function createFakeConnection(options: { highWaterMark?: number; pgReads?: boolean } = {}): FakeConnection {
  const written: Buffer[] = [];
  const stream = new Transform({
    highWaterMark: options.highWaterMark,
    transform(chunk: Buffer, _encoding, callback) {
      written.push(chunk);
      callback(null, chunk);
    },
  });
  const fake: FakeConnection = {
    stream,
    written,
    pgReceived: [],
    queries: [],
    copyFails: [],
    query: (text) => fake.queries.push(text),
    sendCopyFail: (message) => fake.copyFails.push(message),
  };
  if (options.pgReads !== false) stream.on('data', (chunk: Buffer) => fake.pgReceived.push(chunk));
  return fake;
}

const asConnection = (fake: FakeConnection) => fake as unknown as pg.Connection;

/** A protocol message: code, int32 length (itself included), payload. */
function message(code: string, payload: Buffer | string = Buffer.alloc(0)): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'latin1') : payload;
  const header = Buffer.alloc(5);
  header.write(code, 0, 'latin1');
  header.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

const copyData = (size: number, seed: number) => message('d', Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + seed) & 0xff)));
const COPY_OUT_RESPONSE = message('H', Buffer.from([0, 0, 2, 0, 0, 0, 0]));
const NOTICE = message('N', 'SNOTICE\0C00000\0Mslow down\0\0');
const PARAMETER_STATUS = message('S', 'application_name\0other\0');
const NOTIFICATION = message('A', Buffer.concat([Buffer.from([0, 0, 0x30, 0x39]), Buffer.from('channel\0payload\0')]));
const COPY_DONE = message('c');
const COMMAND_COMPLETE = message('C', 'COPY 6\0');
const READY_FOR_QUERY = message('Z', 'I');
const ERROR_RESPONSE = message('E', 'SERROR\0C22P02\0Minvalid input syntax\0\0');

const SMALL = [copyData(4, 1), copyData(0, 2), copyData(1, 3), copyData(70, 4)];
const LARGE = copyData(200 * 1024, 5);
const LAST = copyData(9, 6);
const DATA = [...SMALL, LARGE, LAST];
/** What the server sends for `COPY ... TO STDOUT`, with a notice, a parameter change and a notification in between. */
const SESSION = Buffer.concat([
  COPY_OUT_RESPONSE,
  SMALL[0]!,
  NOTICE,
  SMALL[1]!,
  SMALL[2]!,
  PARAMETER_STATUS,
  SMALL[3]!,
  LARGE,
  NOTIFICATION,
  LAST,
  COPY_DONE,
  COMMAND_COMPLETE,
  READY_FOR_QUERY,
]);
const AFTER_COPY_DONE = Buffer.concat([COMMAND_COMPLETE, READY_FOR_QUERY]);
const LATER = message('Z', 'T');

/** Waits until the socket holds no bytes: first for the stream's own process.nextTick steps (fast), then for whole event-loop turns. */
async function settle(stream: Transform): Promise<void> {
  for (let turns = 0; turns < 100; turns++) {
    await new Promise((resolve) => (turns < 10 ? process.nextTick(resolve) : setImmediate(resolve)));
    if (stream.readableLength === 0 && stream.writableLength === 0) return;
  }
  throw new Error(`Expected the socket to be read empty, got ${stream.readableLength + stream.writableLength} bytes left in it`);
}

/** Writes each chunk to the socket as one read of its own. */
async function deliver(stream: Transform, chunks: Buffer[]): Promise<void> {
  for (const chunk of chunks) {
    if (chunk.length === 0) continue;
    stream.write(chunk);
    await settle(stream);
  }
}

/** Splits a buffer into CopyData messages; throws unless it is whole ones only. */
function parseCopyData(bytes: Buffer): Buffer[] {
  const messages: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; ) {
    if (bytes.length - offset < 5) throw new Error(`Expected a whole message header at ${offset}, got ${bytes.length - offset} bytes`);
    const end = offset + 1 + bytes.readUInt32BE(offset + 1);
    if (bytes[offset] !== 0x64) throw new Error(`Expected a CopyData message ('d') at ${offset}, got code ${bytes[offset]}`);
    if (end > bytes.length) throw new Error(`Expected the message at ${offset} to end by ${bytes.length}, got an end at ${end}`);
    messages.push(bytes.subarray(offset, end));
    offset = end;
  }
  return messages;
}

interface CopyOutRun {
  fake: FakeConnection;
  frames: CopyOutFrames;
  pushed: Buffer[];
  ended: () => boolean;
}

function startCopyOut(): CopyOutRun {
  const fake = createFakeConnection();
  const frames = new CopyOutFrames('COPY public.t TO STDOUT');
  const pushed: Buffer[] = [];
  let ended = false;
  frames.on('data', (chunk: Buffer) => pushed.push(chunk));
  frames.on('end', () => (ended = true));
  frames.submit(asConnection(fake));
  return { fake, frames, pushed, ended: () => ended };
}

/** Runs the session cut into these chunks and checks everything a copy out must do; returns a description of the first failure. */
async function checkCopyOut(chunks: Buffer[]): Promise<string | undefined> {
  const run = startCopyOut();
  await deliver(run.fake.stream, chunks);
  await deliver(run.fake.stream, [LATER]);
  const cuts = chunks.map((chunk) => chunk.length).join('+');
  const output = Buffer.concat(run.pushed);
  if (!output.equals(Buffer.concat(DATA))) return `cut ${cuts}: expected the ${DATA.length} CopyData messages pushed as they came, got ${output.length} bytes that differ`;
  for (const chunk of run.pushed) {
    try {
      parseCopyData(chunk);
    } catch (error) {
      return `cut ${cuts}: expected every pushed chunk to hold whole CopyData messages, got one of ${chunk.length} bytes: ${(error as Error).message}`;
    }
  }
  const received = Buffer.concat(run.fake.pgReceived);
  const expected = Buffer.concat([AFTER_COPY_DONE, LATER]);
  if (!received.equals(expected)) return `cut ${cuts}: expected pg to get ${expected.toString('hex')}, got ${received.toString('hex')}`;
  if (!run.ended()) return `cut ${cuts}: expected the stream to end at CopyDone, got no end`;
  if (run.fake.stream.listenerCount('readable') !== 0) return `cut ${cuts}: expected no 'readable' listener left on the socket, got ${run.fake.stream.listenerCount('readable')}`;
  return undefined;
}

/** Split positions: every one, except inside the large message's payload where every 499th (and 64 around its edges) stands for the rest. */
function splitPositions(bytes: Buffer, large: Buffer): number[] {
  const largeStart = bytes.indexOf(large);
  const positions: number[] = [];
  for (let at = 1; at < bytes.length; at++) {
    const inside = at > largeStart + 64 && at < largeStart + large.length - 64;
    if (!inside || (at - largeStart) % 499 === 0) positions.push(at);
  }
  return positions;
}

/** A reproducible pseudo-random source (mulberry32). */
function createRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('CopyOutFrames', () => {
  it('takes over the socket from pg and sends the query', () => {
    const fake = createFakeConnection();
    const frames = new CopyOutFrames('COPY public.t TO STDOUT');
    frames.submit(asConnection(fake));
    expect(fake.queries).toEqual(['COPY public.t TO STDOUT']);
    expect(fake.stream.listenerCount('data')).toBe(0);
    expect(fake.stream.listenerCount('readable')).toBe(1);
  });

  it('refuses a socket with other data listeners than pg\'s, saying how many', () => {
    const fake = createFakeConnection();
    fake.stream.on('data', () => undefined);
    expect(() => new CopyOutFrames('COPY t TO STDOUT').submit(asConnection(fake))).toThrow('Expected one data listener (pg\'s) on the connection, got 2');
  });

  it('pushes whole CopyData messages as they came and hands the rest back to pg, in one read', async () => {
    expect(await checkCopyOut([SESSION])).toBeUndefined();
  });

  it('pushes whole CopyData messages and hands the rest back to pg, however one cut splits the reads', async () => {
    const failures: string[] = [];
    const positions = splitPositions(SESSION, LARGE);
    for (const at of positions) {
      const failure = await checkCopyOut([SESSION.subarray(0, at), SESSION.subarray(at)]);
      if (failure !== undefined) failures.push(failure);
    }
    expect(positions.length).toBeGreaterThan(700);
    expect(failures.slice(0, 5)).toEqual([]);
  });

  it('pushes whole CopyData messages and hands the rest back to pg, when every byte is a read of its own', async () => {
    const bytes = Array.from({ length: SESSION.length }, (_, i) => SESSION.subarray(i, i + 1));
    expect(await checkCopyOut(bytes)).toBeUndefined();
  });

  it('pushes whole CopyData messages and hands the rest back to pg, in random reads of many sizes', async () => {
    const random = createRandom(20240611);
    for (let round = 0; round < 40; round++) {
      const chunks: Buffer[] = [];
      const largest = [8, 64, 4096, 70_000][round % 4]!;
      for (let at = 0; at < SESSION.length; ) {
        const size = 1 + Math.floor(random() * largest);
        chunks.push(SESSION.subarray(at, at + size));
        at += size;
      }
      expect(await checkCopyOut(chunks)).toBeUndefined();
    }
  });

  it('pushes the CopyData messages before an ErrorResponse and hands pg the bytes from the error on, however one cut splits the reads', async () => {
    const before = [COPY_OUT_RESPONSE, SMALL[0]!, NOTICE, SMALL[1]!, SMALL[3]!];
    const session = Buffer.concat([...before, ERROR_RESPONSE, READY_FOR_QUERY]);
    const fromError = Buffer.concat([ERROR_RESPONSE, READY_FOR_QUERY, LATER]);
    const expectedData = Buffer.concat([SMALL[0]!, SMALL[1]!, SMALL[3]!]);
    const failures: string[] = [];
    for (let at = 0; at < session.length; at++) {
      const run = startCopyOut();
      await deliver(run.fake.stream, [session.subarray(0, at), session.subarray(at), LATER]);
      const output = Buffer.concat(run.pushed);
      const received = Buffer.concat(run.fake.pgReceived);
      if (!output.equals(expectedData)) failures.push(`cut at ${at}: expected the 3 CopyData messages before the error, got ${output.toString('hex')}`);
      for (const chunk of run.pushed) {
        try {
          parseCopyData(chunk);
        } catch (error) {
          failures.push(`cut at ${at}: expected every pushed chunk to hold whole CopyData messages, got one of ${chunk.length} bytes: ${(error as Error).message}`);
        }
      }
      if (!received.equals(fromError)) failures.push(`cut at ${at}: expected pg to get ${fromError.toString('hex')}, got ${received.toString('hex')}`);
      if (run.ended()) failures.push(`cut at ${at}: expected no end of the stream at an error, got an end`);
      const error = new Error('invalid input syntax');
      const reported = new Promise<unknown>((resolve) => run.frames.once('error', resolve));
      run.frames.handleError(error);
      if ((await reported) !== error) failures.push(`cut at ${at}: expected the stream to fail with pg's error, got another`);
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });

  it('keeps the row count from CommandComplete', () => {
    const frames = new CopyOutFrames('COPY t TO STDOUT');
    frames.handleCommandComplete({ text: 'COPY 12' });
    expect(frames.rowCount).toBe(12);
    frames.handleCommandComplete({ text: 'SELECT 1' });
    expect(frames.rowCount).toBe(12);
  });

  it('leaves data in the socket while its reader does not read, and goes on when it does', async () => {
    const fake = createFakeConnection();
    const frames = new CopyOutFrames('COPY t TO STDOUT');
    frames.submit(asConnection(fake));
    const first = Array.from({ length: 40 }, (_, i) => copyData(1000, i));
    const second = Array.from({ length: 5 }, (_, i) => copyData(100, 50 + i));
    frames.read(0);
    await deliver(fake.stream, [Buffer.concat([COPY_OUT_RESPONSE, ...first])]);
    expect(frames.readableLength).toBe(Buffer.concat(first).length);
    fake.stream.write(Buffer.concat(second));
    for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(fake.stream.readableLength).toBe(Buffer.concat(second).length);
    expect(frames.readableLength).toBe(Buffer.concat(first).length);

    const pushed: Buffer[] = [];
    frames.on('data', (chunk: Buffer) => pushed.push(chunk));
    await settle(fake.stream);
    expect(Buffer.concat(pushed).equals(Buffer.concat([...first, ...second]))).toBe(true);
    const ended = new Promise<void>((resolve) => frames.once('end', resolve));
    await deliver(fake.stream, [COPY_DONE, READY_FOR_QUERY]);
    await ended;
    expect(Buffer.concat(fake.pgReceived).equals(READY_FOR_QUERY)).toBe(true);
  });
});

interface CopyInRun {
  fake: FakeConnection;
  frames: CopyInFrames;
  written: Buffer[];
  events: string[];
  errors: unknown[];
}

function startCopyIn(options: { highWaterMark?: number; read?: boolean } = {}): CopyInRun {
  const fake = createFakeConnection({ highWaterMark: options.highWaterMark, pgReads: false });
  // The server reads everything (unless the test plays a slow one).
  if (options.read !== false) fake.stream.resume();
  const frames = new CopyInFrames('COPY public.t FROM STDIN');
  const events: string[] = [];
  const errors: unknown[] = [];
  frames.on('finish', () => events.push('finish'));
  frames.on('close', () => events.push('close'));
  frames.on('error', (error) => errors.push(error));
  frames.submit(asConnection(fake));
  return { fake, frames, written: fake.written, events, errors };
}

/** Checks the socket got the chunks' bytes in order, each write made of whole chunks (piled-up chunks may go out joined); returns what is wrong. */
function compareWrites(written: Buffer[], chunks: Buffer[]): string | undefined {
  if (!Buffer.concat(written).equals(Buffer.concat(chunks))) return `Expected the socket to get the ${chunks.length} chunks' bytes in order, got ${Buffer.concat(written).length} bytes that differ`;
  const boundaries = new Set<number>();
  let at = 0;
  for (const chunk of chunks) boundaries.add((at += chunk.length));
  at = 0;
  const cuts = written.map((chunk) => (at += chunk.length)).filter((end) => !boundaries.has(end));
  return cuts.length === 0 ? undefined : `Expected every write to end where a chunk ends, got writes ending at ${cuts.join(', ')}`;
}

const turns = async (count = 5) => {
  for (let turn = 0; turn < count; turn++) await new Promise((resolve) => setImmediate(resolve));
};

describe('CopyInFrames', () => {
  it('holds writes until the server asks for data, then writes their bytes in order, in whole chunks', async () => {
    const run = startCopyIn();
    expect(run.fake.queries).toEqual(['COPY public.t FROM STDIN']);
    const chunks = [Buffer.concat([SMALL[0]!, SMALL[1]!]), LARGE, SMALL[3]!];
    for (const chunk of chunks) run.frames.write(chunk);
    await turns();
    expect(run.written).toEqual([]);
    run.frames.handleCopyInResponse();
    await turns();
    expect(compareWrites(run.written, chunks)).toBeUndefined();
  });

  it('sends CopyDone at the end and finishes only at ReadyForQuery, with the row count of CommandComplete', async () => {
    const run = startCopyIn();
    run.frames.handleCopyInResponse();
    run.frames.end(SMALL[0]!);
    await turns();
    expect(run.written).toEqual([SMALL[0]!, Buffer.from([0x63, 0, 0, 0, 4])]);
    expect(run.events).toEqual([]);
    run.frames.handleCommandComplete({ text: 'COPY 12' });
    expect(run.frames.rowCount).toBe(12);
    await turns();
    expect(run.events).toEqual([]);
    run.frames.handleReadyForQuery();
    await turns();
    expect(run.events).toEqual(['finish', 'close']);
    expect(run.fake.copyFails).toEqual([]);
  });

  it('sends CopyDone only after the server asked for data, when ended before that', async () => {
    const run = startCopyIn();
    run.frames.end();
    await turns();
    expect(run.written).toEqual([]);
    run.frames.handleCopyInResponse();
    await turns();
    expect(run.written).toEqual([COPY_DONE]);
    run.frames.handleReadyForQuery();
    await turns();
    expect(run.events).toEqual(['finish', 'close']);
  });

  it('waits for the socket to drain before taking the next chunk', async () => {
    const run = startCopyIn({ highWaterMark: 1024, read: false });
    run.frames.handleCopyInResponse();
    const big = copyData(4000, 7);
    run.frames.write(big);
    run.frames.write(SMALL[0]!);
    await turns();
    expect(run.written.map((chunk) => chunk.length)).toEqual([big.length]);
    expect(run.frames.writableLength).toBe(big.length + SMALL[0]!.length);
    run.fake.stream.resume();
    await turns();
    expect(run.written).toEqual([big, SMALL[0]!]);
    expect(run.frames.writableLength).toBe(0);
  });

  it('sends CopyFail with the message of the error it is destroyed with, then fails with the server\'s error', async () => {
    const run = startCopyIn();
    run.frames.handleCopyInResponse();
    run.frames.write(SMALL[0]!);
    await turns();
    run.frames.destroy(new Error('the source failed'));
    await turns();
    expect(run.fake.copyFails).toEqual(['the source failed']);
    expect(run.events).toEqual([]);
    const serverError = new Error('COPY from stdin failed: the source failed');
    run.frames.handleError(serverError);
    await turns();
    expect(run.errors).toEqual([serverError]);
    expect(run.events).toEqual(['close']);
  });

  it('sends CopyFail only once the server asked for data, when destroyed before that', async () => {
    const run = startCopyIn();
    run.frames.write(SMALL[0]!);
    run.frames.destroy(new Error('stopped early'));
    await turns();
    expect(run.fake.copyFails).toEqual([]);
    run.frames.handleCopyInResponse();
    expect(run.fake.copyFails).toEqual(['stopped early']);
    expect(run.written).toEqual([]);
    run.frames.handleError(new Error('COPY from stdin failed: stopped early'));
    await turns();
    expect(run.events).toEqual(['close']);
  });

  it('sends a CopyFail of its own words when destroyed without an error', async () => {
    const run = startCopyIn();
    run.frames.handleCopyInResponse();
    run.frames.destroy();
    expect(run.fake.copyFails).toEqual(['the copy was stopped']);
  });

  it('sends no CopyFail when destroyed before it was submitted', async () => {
    const frames = new CopyInFrames('COPY t FROM STDIN');
    const closed = new Promise<unknown>((resolve) => frames.once('error', resolve));
    const error = new Error('early');
    frames.destroy(error);
    expect(await closed).toBe(error);
  });

  it('fails with the server\'s error when the COPY itself fails', async () => {
    const run = startCopyIn();
    run.frames.write(SMALL[0]!);
    const error = new Error('relation "public.t" does not exist');
    run.frames.handleError(error);
    await turns();
    expect(run.errors).toEqual([error]);
    expect(run.events).toEqual(['close']);
    expect(run.fake.copyFails).toEqual([]);
  });

  it('fails with the server\'s error when it comes after CopyDone, without finishing', async () => {
    const run = startCopyIn();
    run.frames.handleCopyInResponse();
    run.frames.end(SMALL[0]!);
    await turns();
    const error = new Error('duplicate key value violates unique constraint "t_pkey"');
    run.frames.handleError(error);
    await turns();
    expect(run.errors).toEqual([error]);
    expect(run.events).toEqual(['close']);
  });
});
