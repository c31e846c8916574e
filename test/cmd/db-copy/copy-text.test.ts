import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { escapeCopyText, unescapeCopyText } from '../../../cmd/db-copy/copy-text.js';
import { CopyTextMasker, type FieldMask } from '../../../cmd/db-copy/mask-stream.js';

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
