import { createHash, createHmac } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { escapeCopyText, unescapeCopyText } from '../../../cmd/db-copy/copy-text.js';
import { compileRule, createKeyedHash } from '../../../cmd/db-copy/mask-rules.js';
import { CopyTextMasker, type FieldMask } from '../../../cmd/db-copy/mask-stream.js';
import { ThreadedMasker, type MaskSpec } from '../../../cmd/db-copy/mask-thread.js';

const upper: FieldMask = (bytes, start, end) => escapeCopyText(`<${unescapeCopyText(bytes.subarray(start, end)).toUpperCase()}>`);
const ROWS = ['1\tab\\tc\tx\\\\y\t\\N\n', '2\t\\N\tline\\nbreak\tü✓\n', '3\t\\x41\\101\\q\t\t\n'];

async function mask(chunks: Buffer[], columns: number, masks: Map<number, FieldMask>): Promise<{ text: string; outputs: number[] }> {
  const masker = new CopyTextMasker(columns, masks);
  const outputs: number[] = [];
  const parts: Buffer[] = [];
  masker.on('data', (out: Buffer) => {
    outputs.push(out.length);
    parts.push(out);
  });
  await finished(Readable.from(chunks).pipe(masker));
  return { text: Buffer.concat(parts).toString('utf8'), outputs };
}

describe('COPY text escaping', () => {
  it('decodes every escape PostgreSQL writes and some it accepts', () => {
    expect(unescapeCopyText(Buffer.from('a\\tb\\nc\\\\d\\re\\bf\\fg\\vh'))).toBe('a\tb\nc\\d\re\bf\fg\vh');
    expect(unescapeCopyText(Buffer.from('\\101\\x42\\q'))).toBe('ABq');
  });

  it('round-trips any string through escape and unescape', () => {
    for (const value of ['', 'plain', 'tab\there', 'new\nline\r\n', 'back\\slash\\N', '\b\f\v', 'ünïcødé ✓']) {
      expect(unescapeCopyText(escapeCopyText(value))).toBe(value);
    }
  });
});

describe('CopyTextMasker', () => {
  it('rewrites only the masked columns, keeps NULLs and passes other bytes untouched, however the stream is split', async () => {
    const input = Buffer.from(ROWS.join(''));
    const expected = '1\t<AB\\tC>\tx\\\\y\t\\N\n2\t\\N\tline\\nbreak\tü✓\n3\t<AAQ>\t\t\n';
    for (let size = 1; size <= input.length; size++) {
      const chunks = Array.from({ length: Math.ceil(input.length / size) }, (_, i) => input.subarray(i * size, (i + 1) * size));
      expect((await mask(chunks, 4, new Map([[1, upper]]))).text).toBe(expected);
    }
  });

  it('masks the last column, and writes \\N when a mask returns null', async () => {
    const { text } = await mask([Buffer.from(ROWS.join(''))], 4, new Map<number, FieldMask>([[3, () => null], [0, upper]]));
    expect(text).toBe('<1>\tab\\tc\tx\\\\y\t\\N\n<2>\t\\N\tline\\nbreak\t\\N\n<3>\t\\x41\\101\\q\t\t\\N\n');
  });

  it('streams a huge unmasked field through chunk by chunk instead of holding the row', async () => {
    const chunk = Buffer.alloc(1 << 16, 0x61);
    const chunks = [Buffer.from('1\tsecret\t'), ...Array.from({ length: 160 }, () => chunk), Buffer.from('\n')];
    const { text, outputs } = await mask(chunks, 3, new Map([[1, upper]]));
    expect(text.length).toBe(2 + '<SECRET>'.length + 1 + 160 * chunk.length + 1);
    expect(Math.max(...outputs)).toBeLessThanOrEqual(chunk.length);
  });

  it('masks whole CopyData messages into one message, rows cut between messages included, as it masks their payloads joined', () => {
    const payload = Buffer.from(ROWS.join('').repeat(3));
    const framed = (bytes: Buffer) => {
      const out = Buffer.concat([Buffer.from([0x64]), Buffer.alloc(4), bytes]);
      out.writeUInt32BE(bytes.length + 4, 1);
      return out;
    };
    const expected = new CopyTextMasker(4, new Map([[1, upper]])).maskChunk(payload);
    for (let cut = 0; cut <= payload.length; cut++) {
      const masker = new CopyTextMasker(4, new Map([[1, upper]]));
      // Two chunks of messages; the message boundaries fall anywhere, even inside a field.
      const first = Buffer.concat([framed(payload.subarray(0, cut >> 1)), framed(payload.subarray(cut >> 1, cut))]);
      const second = framed(payload.subarray(cut));
      const outputs = [masker.maskFrames(first), masker.maskFrames(second)];
      for (const output of outputs) {
        expect(output[0]).toBe(0x64);
        expect(output.readUInt32BE(1)).toBe(output.length - 1);
      }
      expect(Buffer.concat(outputs.map((output) => output.subarray(5)))).toEqual(expected);
      expect(masker.rows).toBe(9);
      masker.checkEnd();
    }
  });

  it('refuses a chunk that is not whole CopyData messages, saying where', () => {
    const masker = new CopyTextMasker(2, new Map([[1, upper]]));
    expect(() => masker.maskFrames(Buffer.from([0x64, 0, 0, 0, 9, 0x31]))).toThrow('Expected whole CopyData messages, got byte 100 at 0 of a 6-byte chunk');
    expect(() => masker.maskFrames(Buffer.from([0x43, 0, 0, 0, 4]))).toThrow('Expected whole CopyData messages, got byte 67 at 0 of a 5-byte chunk');
  });

  it('refuses a stream that ends inside a row', async () => {
    await expect(mask([Buffer.from('1\tabc')], 2, new Map([[1, upper]]))).rejects.toThrow('Expected the COPY stream to end at a row end, got a partial row (column 2 of 2)');
  });
});

describe('ThreadedMasker', () => {
  const column = { name: 'b', quoted: 'b', type: 'text', notNull: false, textual: true, maxLength: undefined, unique: false, binary: false };
  const specs: MaskSpec[] = [
    { index: 1, rule: { table: 't', column: 'b', rule: 'partial', keep: 2, char: '*' }, column },
    { index: 3, rule: { table: 't', column: 'd', rule: 'hash' }, column: { ...column, name: 'd', quoted: 'd' } },
  ];

  it('masks in a worker thread exactly as in this one, in order, through a slow reader, rows cut between messages included', async () => {
    const input = Buffer.from(Array.from({ length: 3000 }, (_, i) => ROWS[i % ROWS.length]).join(''));
    const chunks = Array.from({ length: Math.ceil(input.length / 997) }, (_, i) => input.subarray(i * 997, (i + 1) * 997));
    const hash = createKeyedHash('k');
    const inProcess = await mask(chunks, 4, new Map(specs.map((spec) => [spec.index, compileRule(spec.rule, spec.column, hash)])));
    const threaded = new ThreadedMasker({ columnCount: 4, specs, key: 'k', format: 'text' });
    const parts: Buffer[] = [];
    const slow = new Writable({ highWaterMark: 16, write: (chunk: Buffer, _encoding, done) => void (parts.push(chunk), setImmediate(done)) });
    await pipeline(Readable.from(chunks.map(copyData)), threaded, slow);
    expect(Buffer.concat(parts.map((part) => part.subarray(5))).toString('utf8')).toBe(inProcess.text);
    expect(threaded.rows).toBe(3000);
  });

  it('gives back one CopyData message for each batch of messages it is sent', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => Buffer.from(ROWS[i % ROWS.length] as string));
    const framed = rows.map(copyData);
    const chunks = Array.from({ length: 40 }, (_, i) => Buffer.concat(framed.slice(i * 50, (i + 1) * 50)));
    const hash = createKeyedHash('k');
    const inProcess = await mask([Buffer.concat(rows)], 4, new Map(specs.map((spec) => [spec.index, compileRule(spec.rule, spec.column, hash)])));
    const threaded = new ThreadedMasker({ columnCount: 4, specs, key: 'k', format: 'text' });
    const parts: Buffer[] = [];
    await pipeline(Readable.from(chunks), threaded, new Writable({ write: (chunk: Buffer, _encoding, done) => void (parts.push(chunk), done()) }));
    // Chunks that pile up while the worker is busy go together: at most one message per chunk.
    expect(parts.length).toBeGreaterThan(0);
    expect(parts.length).toBeLessThanOrEqual(40);
    for (const part of parts) expect(part.readUInt32BE(1)).toBe(part.length - 1);
    expect(Buffer.concat(parts.map((part) => part.subarray(5))).toString('utf8')).toBe(inProcess.text);
    expect(threaded.rows).toBe(2000);
  });

  it('fails the stream with the worker’s error when the input ends inside a row', async () => {
    await expect(pipeline(Readable.from([copyData(Buffer.from('1\tabc'))]), new ThreadedMasker({ columnCount: 4, specs, key: 'k', format: 'text' }), new Writable({ write: (_chunk, _encoding, done) => done() }))).rejects.toThrow(
      'Expected the COPY stream to end at a row end, got a partial row (column 2 of 4)',
    );
  });
});

/** One CopyData message holding these bytes. */
function copyData(bytes: Buffer): Buffer {
  const header = Buffer.from([0x64, 0, 0, 0, 0]);
  header.writeUInt32BE(bytes.length + 4, 1);
  return Buffer.concat([header, bytes]);
}

describe('the keyed hash', () => {
  it('is SHA-256 over the 64-byte block derived from the key and the value, cut to 128 bits, short and long values alike', () => {
    const block = Buffer.concat([1, 2].map((part) => createHmac('sha256', 'k').update(`db-copy mask block ${part}`).digest()));
    const keyed = createKeyedHash('k');
    for (const value of [Buffer.alloc(0), Buffer.from('alice@example.org'), Buffer.alloc(4096, 7), Buffer.alloc(4097, 7), Buffer.alloc(100_000, 'ü')]) {
      expect(keyed(value)).toBe(createHash('sha256').update(block).update(value).digest('hex').slice(0, 32));
    }
    expect(createKeyedHash('other')(Buffer.from('x'))).not.toBe(keyed(Buffer.from('x')));
  });
});

describe('partial on COPY text bytes', () => {
  it('keeps the last characters of escaped and multi-byte text as decoding would', () => {
    const partial = compileRule({ table: 't', column: 'b', rule: 'partial', keep: 3, char: '\\' }, { name: 'b', quoted: 'b', type: 'text', notNull: false, textual: true, maxLength: undefined, unique: false, binary: false }, undefined);
    for (const value of ['', 'ab', 'abc', 'tab\there', 'ünïcødé ✓', 'x\\\\y\nz', 'a\r\nb😀', '\\101 octal']) {
      const chars = Array.from(value);
      const field = escapeCopyText(value);
      const masked = partial(field, 0, field.length) as Buffer;
      expect(unescapeCopyText(masked)).toBe('\\'.repeat(Math.max(0, chars.length - 3)) + chars.slice(-3).join(''));
    }
    // An octal escape (never written by PostgreSQL) takes the decoding path.
    expect(unescapeCopyText(partial(Buffer.from('\\101BCD'), 0, 7) as Buffer)).toBe('\\BCD');
  });
});
