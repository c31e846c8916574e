import { describe, expect, it } from 'vitest';
import { escapeCopyText, unescapeCopyText } from '../../../cmd/db-copy/copy-text.js';
import { CopyBinaryMasker } from '../../../cmd/db-copy/mask-binary.js';
import { compileRule, createKeyedHash } from '../../../cmd/db-copy/mask-rules.js';
import type { FieldMask } from '../../../cmd/db-copy/mask-stream.js';
import type { MaskRule } from '../../../cmd/db-copy/args.js';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/** A binary COPY stream as PostgreSQL writes it: header, rows of length-prefixed fields (null for NULL), trailer. */
function binaryCopy(rows: (Buffer | string | null)[][], extension = Buffer.alloc(0)): Buffer {
  const parts: Buffer[] = [SIGNATURE, int32(0), int32(extension.length), extension];
  for (const row of rows) {
    parts.push(int16(row.length));
    for (const field of row) {
      if (field === null) parts.push(int32(-1));
      else {
        const bytes = typeof field === 'string' ? Buffer.from(field, 'utf8') : field;
        parts.push(int32(bytes.length), bytes);
      }
    }
  }
  parts.push(int16(-1));
  return Buffer.concat(parts);
}

function int16(value: number): Buffer {
  const bytes = Buffer.alloc(2);
  bytes.writeInt16BE(value);
  return bytes;
}

function int32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(value);
  return bytes;
}

/** The rows of a binary COPY stream, fields as UTF-8 strings (NULL as null). */
function readRows(stream: Buffer): (string | null)[][] {
  expect(stream.subarray(0, SIGNATURE.length)).toEqual(SIGNATURE);
  let at = SIGNATURE.length + 8 + stream.readUInt32BE(SIGNATURE.length + 4);
  const rows: (string | null)[][] = [];
  for (let count = stream.readInt16BE(at); count !== -1; count = stream.readInt16BE(at)) {
    at += 2;
    const row: (string | null)[] = [];
    for (let field = 0; field < count; field++) {
      const length = stream.readInt32BE(at);
      at += 4;
      row.push(length === -1 ? null : stream.toString('utf8', at, at + length));
      at += Math.max(length, 0);
    }
    rows.push(row);
  }
  expect(at + 2).toBe(stream.length);
  return rows;
}

const upper: FieldMask = (bytes, start, end) => `<${bytes.toString('utf8', start, end).toUpperCase()}>`;
const ROWS = [
  ['1', 'tab\there', 'x\\y', null],
  ['2', null, 'line\nbreak', 'ü✓'],
  ['3', '', '', ''],
  ['4', 'plain', 'b'.repeat(300), 'last'],
];

describe('CopyBinaryMasker', () => {
  it('rewrites only the masked columns, keeps NULLs and every other byte, however the stream is cut', () => {
    const input = binaryCopy(ROWS);
    const expected = ROWS.map(([id, secret, note, last]) => [id, secret === null ? null : `<${(secret ?? '').toUpperCase()}>`, note, last === null ? null : `<${(last ?? '').toUpperCase()}>`]);
    for (let size = 1; size <= input.length; size += size < 40 ? 1 : 7) {
      const masker = new CopyBinaryMasker(4, new Map([[1, upper], [3, upper]]));
      const outputs: Buffer[] = [];
      for (let at = 0; at < input.length; at += size) outputs.push(masker.maskChunk(input.subarray(at, at + size)));
      masker.checkEnd();
      expect(readRows(Buffer.concat(outputs))).toEqual(expected);
      expect(masker.rows).toBe(4);
    }
  });

  it('masks whole CopyData messages, a row per message or cut anywhere between messages, into one message each', () => {
    const input = binaryCopy(ROWS, Buffer.from('ext'));
    const frame = (bytes: Buffer) => Buffer.concat([Buffer.from([0x64]), int32(bytes.length + 4), bytes]);
    const expected = new CopyBinaryMasker(4, new Map([[2, upper]])).maskChunk(input);
    for (let cut = 0; cut <= input.length; cut++) {
      const masker = new CopyBinaryMasker(4, new Map([[2, upper]]));
      const outputs = [masker.maskFrames(Buffer.concat([frame(input.subarray(0, cut >> 1)), frame(input.subarray(cut >> 1, cut))])), masker.maskFrames(frame(input.subarray(cut)))];
      for (const output of outputs) expect(output.readUInt32BE(1)).toBe(output.length - 1);
      expect(Buffer.concat(outputs.map((output) => output.subarray(5)))).toEqual(expected);
      masker.checkEnd();
    }
    expect(readRows(expected)[3]?.[2]).toBe(`<${'B'.repeat(300)}>`);
  });

  it('masks in the given chunk itself while values keep their length, and falls back from the first row where one does not', () => {
    const frame = (bytes: Buffer) => Buffer.concat([Buffer.from([0x64]), int32(bytes.length + 4), bytes]);
    const rows = [['1', 'abcd'], ['2', null], ['3', 'wxyz'], ['4', 'longer value'], ['5', 'efgh']];
    const stream = binaryCopy(rows);
    const header = SIGNATURE.length + 8;
    // As the server sends it: the header with the first row, a message per row, the trailer alone.
    const cuts = [0, header + 2 + 4 + 1 + 4 + 4];
    for (const row of rows.slice(1)) cuts.push((cuts.at(-1) as number) + 2 + 4 + 1 + (row[1] === null ? 4 : 4 + (row[1] as string).length));
    const messages = cuts.map((cut, index) => frame(stream.subarray(cut, cuts[index + 1] ?? stream.length)));
    const sameLength: FieldMask = (bytes, start, end) => (end - start === 4 ? bytes.toString('latin1', start, end).toUpperCase() : 'changed');
    const masker = new CopyBinaryMasker(2, new Map([[1, sameLength]]));
    const first = masker.maskFramesInPlace(Buffer.from(messages[0] as Buffer));
    const middle = Buffer.concat(messages.slice(1, 3));
    const inPlace = masker.maskFramesInPlace(middle);
    expect(inPlace).toBe(middle);
    const last = masker.maskFramesInPlace(Buffer.concat(messages.slice(3)));
    masker.checkEnd();
    const payloads = [first, inPlace, last].flatMap((chunk) => {
      const parts: Buffer[] = [];
      for (let at = 0; at < chunk.length; at += 1 + chunk.readUInt32BE(at + 1)) parts.push(chunk.subarray(at + 5, at + 1 + chunk.readUInt32BE(at + 1)));
      return parts;
    });
    expect(readRows(Buffer.concat(payloads))).toEqual([['1', 'ABCD'], ['2', null], ['3', 'WXYZ'], ['4', 'changed'], ['5', 'EFGH']]);
    expect(masker.rows).toBe(5);
  });

  it('streams a huge unmasked field through without holding it whole', () => {
    const big = Buffer.alloc(1 << 20, 0x61);
    const input = binaryCopy([['1', 'secret', big]]);
    const masker = new CopyBinaryMasker(3, new Map([[1, upper]]));
    const outputs: Buffer[] = [];
    for (let at = 0; at < input.length; at += 1 << 16) outputs.push(masker.maskChunk(input.subarray(at, at + (1 << 16))));
    masker.checkEnd();
    expect(Math.max(...outputs.map((output) => output.length))).toBeLessThanOrEqual((1 << 16) + 64);
    expect(readRows(Buffer.concat(outputs))).toEqual([['1', '<SECRET>', big.toString('utf8')]]);
  });

  it('writes NULL for a mask that returns null, and the value of a mask that returns bytes', () => {
    const masker = new CopyBinaryMasker(3, new Map<number, FieldMask>([[0, () => null], [2, () => Buffer.from('bytes')]]));
    expect(readRows(masker.maskChunk(binaryCopy([['1', 'b', 'c'], ['2', null, null]])))).toEqual([[null, 'b', 'bytes'], [null, null, null]]);
  });

  it('refuses what is not a binary COPY stream of the table, saying what came', () => {
    const text = new CopyBinaryMasker(2, new Map([[1, upper]]));
    expect(() => text.maskChunk(Buffer.from('1\tplain text COPY\n'.repeat(2)))).toThrow('Expected the binary COPY signature, got "1\\tplain tex"');
    const wide = new CopyBinaryMasker(2, new Map([[1, upper]]));
    expect(() => wide.maskChunk(binaryCopy([['1', 'a'], ['2', 'b', 'c']]))).toThrow('Expected 2 fields in each row of the binary COPY stream, got 3 in row 2');
    const after = new CopyBinaryMasker(1, new Map([[0, upper]]));
    expect(() => after.maskChunk(Buffer.concat([binaryCopy([['1']]), Buffer.from('x')]))).toThrow('Expected nothing after the binary COPY trailer, got 1 more bytes');
    const cut = new CopyBinaryMasker(2, new Map([[1, upper]]));
    cut.maskChunk(binaryCopy([['1', 'abc']]).subarray(0, -4));
    expect(() => cut.checkEnd()).toThrow('Expected the binary COPY stream to end with its trailer, got its end in row 1, column 2 of 2');
  });
});

describe('mask rules in binary COPY', () => {
  const column = { name: 'c', quoted: 'c', type: 'text', notNull: false, textual: true, maxLength: undefined, unique: true, binary: true };
  const rules: MaskRule[] = [
    { table: 't', column: 'c', rule: 'hash' },
    { table: 't', column: 'c', rule: 'email' },
    { table: 't', column: 'c', rule: 'name' },
    { table: 't', column: 'c', rule: 'phone' },
    { table: 't', column: 'c', rule: 'partial', keep: 2, char: '#' },
    { table: 't', column: 'c', rule: 'regex', pattern: '[aeiou]', flags: 'g', replacement: '_' },
    { table: 't', column: 'c', rule: 'fixed', value: 'fixed\tvalue' },
    { table: 't', column: 'c', rule: 'null' },
  ];
  const values = ['', 'a', 'alice@example.org', 'tab\tand\\backslash', 'ünïcødé ✓ 😀', 'x'.repeat(5000)];

  it('gives each value the same mask as COPY text does, read from the middle of a buffer', () => {
    const hash = createKeyedHash('k');
    const decode = (masked: Buffer | string | null, format: 'text' | 'binary') => {
      if (masked === null || typeof masked === 'string') return masked;
      return format === 'text' ? unescapeCopyText(masked) : masked.toString('utf8');
    };
    for (const rule of rules) {
      const text = compileRule(rule, column, hash, 'text');
      const binary = compileRule(rule, column, hash, 'binary');
      for (const value of values) {
        const escaped = escapeCopyText(value);
        const raw = Buffer.concat([Buffer.from('before'), Buffer.from(value, 'utf8'), Buffer.from('after')]);
        expect(decode(binary(raw, 6, raw.length - 5), 'binary'), `${rule.rule} of ${JSON.stringify(value.slice(0, 20))}`).toEqual(decode(text(escaped, 0, escaped.length), 'text'));
      }
    }
  });
});
