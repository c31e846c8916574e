// PostgreSQL's COPY text format: fields split by a tab, rows ended by a newline, NULL as
// `\N`; inside a field a backslash escapes \b \f \n \r \t \v \\, octal \ooo and hex \xhh,
// and stands for the next character otherwise. Tabs and newlines in data are always
// escaped, so a raw 0x09 or 0x0A byte is always a delimiter.

const BACKSLASH = 0x5c;

/** The `\N` field that stands for NULL. */
export const COPY_NULL = Buffer.from('\\N');

const SIMPLE: Record<number, number> = { 0x62: 0x08, 0x66: 0x0c, 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09, 0x76: 0x0b };

/** Decodes one field (not `\N`) of COPY text into its string value. */
export function unescapeCopyText(field: Buffer): string {
  if (field.indexOf(BACKSLASH) === -1) return field.toString('utf8');
  const out = Buffer.allocUnsafe(field.length);
  let length = 0;
  for (let i = 0; i < field.length; i++) {
    const byte = field[i] as number;
    if (byte !== BACKSLASH || i + 1 >= field.length) {
      out[length++] = byte;
      continue;
    }
    const next = field[++i] as number;
    const simple = SIMPLE[next];
    if (simple !== undefined) {
      out[length++] = simple;
    } else if (next >= 0x30 && next <= 0x37) {
      let value = next - 0x30;
      for (let digits = 1; digits < 3 && i + 1 < field.length && (field[i + 1] as number) >= 0x30 && (field[i + 1] as number) <= 0x37; digits++) {
        value = value * 8 + ((field[++i] as number) - 0x30);
      }
      out[length++] = value & 0xff;
    } else if (next === 0x78 && i + 1 < field.length && isHex(field[i + 1] as number)) {
      let value = parseInt(String.fromCharCode(field[++i] as number), 16);
      if (i + 1 < field.length && isHex(field[i + 1] as number)) value = value * 16 + parseInt(String.fromCharCode(field[++i] as number), 16);
      out[length++] = value;
    } else {
      out[length++] = next;
    }
  }
  return out.toString('utf8', 0, length);
}

const NEEDS_ESCAPE = /[\\\n\r\t\b\f\v]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f', '\v': '\\v' };

/** Encodes a string value as one COPY text field. */
export function escapeCopyText(value: string): Buffer {
  if (!NEEDS_ESCAPE.test(value)) return Buffer.from(value, 'utf8');
  return Buffer.from(value.replace(/[\\\n\r\t\b\f\v]/g, (char) => ESCAPES[char] ?? char), 'utf8');
}

function isHex(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66);
}
