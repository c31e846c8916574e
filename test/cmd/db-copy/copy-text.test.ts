import { Readable, Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { escapeCopyText, unescapeCopyText } from '../../../cmd/db-copy/copy-text.js';
import { compileRule, createKeyedHash } from '../../../cmd/db-copy/mask-rules.js';
import { CopyTextMasker, type FieldMask } from '../../../cmd/db-copy/mask-stream.js';
import { ThreadedMasker, type MaskSpec } from '../../../cmd/db-copy/mask-thread.js';

const upper: FieldMask = (field) => escapeCopyText(`<${unescapeCopyText(field).toUpperCase()}>`);
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

  it('masks in a worker thread exactly as in this one, in order, through a slow reader', async () => {
    const input = Buffer.from(Array.from({ length: 3000 }, (_, i) => ROWS[i % ROWS.length]).join(''));
    const chunks = Array.from({ length: Math.ceil(input.length / 997) }, (_, i) => input.subarray(i * 997, (i + 1) * 997));
    const hash = createKeyedHash('k');
    const inProcess = await mask(chunks, 4, new Map(specs.map((spec) => [spec.index, compileRule(spec.rule, spec.column, hash)])));
    const threaded = new ThreadedMasker({ columnCount: 4, specs, key: 'k' });
    const parts: Buffer[] = [];
    const slow = new Writable({ highWaterMark: 16, write: (chunk: Buffer, _encoding, done) => void (parts.push(chunk), setImmediate(done)) });
    await pipeline(Readable.from(chunks), threaded, slow);
    expect(Buffer.concat(parts).toString('utf8')).toBe(inProcess.text);
    expect(threaded.rows).toBe(3000);
  });

  it('fails the stream with the worker’s error when the input ends inside a row', async () => {
    await expect(pipeline(Readable.from([Buffer.from('1\tabc')]), new ThreadedMasker({ columnCount: 4, specs, key: 'k' }), new Writable({ write: (_chunk, _encoding, done) => done() }))).rejects.toThrow(
      'Expected the COPY stream to end at a row end, got a partial row (column 2 of 4)',
    );
  });
});

describe('partial on COPY text bytes', () => {
  it('keeps the last characters of escaped and multi-byte text as decoding would', () => {
    const partial = compileRule({ table: 't', column: 'b', rule: 'partial', keep: 3, char: '\\' }, { name: 'b', quoted: 'b', type: 'text', notNull: false, textual: true, maxLength: undefined, unique: false, binary: false }, undefined);
    for (const value of ['', 'ab', 'abc', 'tab\there', 'ünïcødé ✓', 'x\\\\y\nz', 'a\r\nb😀', '\\101 octal']) {
      const chars = Array.from(value);
      const masked = partial(escapeCopyText(value)) as Buffer;
      expect(unescapeCopyText(masked)).toBe('\\'.repeat(Math.max(0, chars.length - 3)) + chars.slice(-3).join(''));
    }
    // An octal escape (never written by PostgreSQL) takes the decoding path.
    expect(unescapeCopyText(partial(Buffer.from('\\101BCD')) as Buffer)).toBe('\\BCD');
  });
});
