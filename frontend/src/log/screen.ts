// A terminal-like model of a job's log, fed with the log's byte chunks as they come.
// Chunks are cut wherever the shipper cut them, so a chunk may end inside a UTF-8
// character, an escape sequence or between the `\r` and `\n` of a line end: the decoder
// and `pending` carry the unfinished part to the next write. `\r` moves the cursor to
// the line's start so that progress lines overwrite themselves; SGR sequences style the
// text; the cursor moves of progress bars (CSI A B C D G K) are followed; every other
// control or escape sequence is dropped.

/** Style flags, or-ed in `Style.flags`. */
export const BOLD = 1;
export const DIM = 2;
export const ITALIC = 4;
export const UNDERLINE = 8;
export const INVERSE = 16;
export const STRIKE = 32;

/** A palette index (0-255) or a `#rrggbb` truecolor. */
export type Color = number | string;

/** A text style; equal styles are the same (interned) object. */
export interface Style {
  readonly flags: number;
  readonly fg: Color | undefined;
  readonly bg: Color | undefined;
}

/** A run of text in one style. */
export interface Span {
  text: string;
  style: Style;
}

/** One line of the log: its spans in order. */
export type Line = Span[];

/** The log as styled lines: `write` each chunk, `end` at the end. */
export interface LogScreen {
  /** Every line so far (the last one may still grow); mutated in place by `write`. */
  readonly lines: Line[];
  write(chunk: Uint8Array | string): void;
  end(): void;
  /** The first line changed (or added or removed) since the last call, or `lines.length` when none; the mark then resets. */
  takeChanges(): number;
}

/** The style of unstyled text. */
export const PLAIN: Style = { flags: 0, fg: undefined, bg: undefined };

// An unfinished escape sequence longer than this is dropped (a stray ESC, or garbage).
const MAX_PENDING = 4096;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/g;
// eslint-disable-next-line no-control-regex
const CSI = /^\x1b\[([0-?]*)[ -/]*([@-~])/;
// eslint-disable-next-line no-control-regex
const STRING_END = /\x07|\x1b\\/;

/** Creates an empty screen. */
export function createLogScreen(): LogScreen {
  const lines: Line[] = [[]];
  const decoder = new TextDecoder();
  const styles = new Map<string, Style>([['0||', PLAIN]]);
  let style = PLAIN;
  let row = 0;
  let col = 0;
  let pending = '';
  // The lowest row changed since the last takeChanges().
  let changedFrom = 0;

  const intern = (flags: number, fg: Color | undefined, bg: Color | undefined): Style => {
    const key = `${flags}|${fg ?? ''}|${bg ?? ''}`;
    let found = styles.get(key);
    if (!found) styles.set(key, (found = { flags, fg, bg }));
    return found;
  };

  const current = (): Line => lines[row] as Line;

  const put = (text: string) => {
    changedFrom = Math.min(changedFrom, row);
    const line = current();
    const length = lineLength(line);
    if (col > length) appendSpan(line, ' '.repeat(col - length), PLAIN);
    if (col >= length) appendSpan(line, text, style);
    else lines[row] = joinSpans([...sliceLine(line, 0, col), { text, style }, ...sliceLine(line, col + text.length, Infinity)]);
    col += text.length;
  };

  const newline = () => {
    row += 1;
    col = 0;
    if (row === lines.length) {
      changedFrom = Math.min(changedFrom, row);
      lines.push([]);
    }
  };

  const eraseInLine = (mode: number) => {
    changedFrom = Math.min(changedFrom, row);
    const line = current();
    if (mode === 0) lines[row] = sliceLine(line, 0, col);
    else if (mode === 2) lines[row] = [];
    else if (mode === 1) {
      const keep = sliceLine(line, col + 1, Infinity);
      lines[row] = joinSpans([{ text: ' '.repeat(Math.min(col + 1, lineLength(line))), style: PLAIN }, ...keep]);
    }
  };

  const runCsi = (params: string, final: string) => {
    if (final === 'm') {
      if (!/[<=>?]/.test(params)) style = applySgr(style, params, intern);
      return;
    }
    const n = Math.max(1, Number.parseInt(params, 10) || 1);
    if (final === 'K') eraseInLine(Number.parseInt(params, 10) || 0);
    else if (final === 'G') col = n - 1;
    else if (final === 'C') col += n;
    else if (final === 'D') col = Math.max(0, col - n);
    else if (final === 'A') row = Math.max(0, row - n);
    else if (final === 'B') row = Math.min(lines.length - 1, row + n);
  };

  /** Handles the escape sequence at `text[at]`; returns where it ends, or -1 if it is unfinished. */
  const runEscape = (text: string, at: number): number => {
    const kind = text[at + 1];
    if (kind === undefined) return -1;
    if (kind === '[') {
      const match = CSI.exec(text.slice(at, at + 64));
      if (match) {
        runCsi(match[1] ?? '', match[2] ?? '');
        return at + match[0].length;
      }
      // No final byte yet: unfinished, or malformed (then its ESC is dropped).
      return /^\x1b\[[0-?]*[ -/]*$/.test(text.slice(at, at + 64)) ? -1 : at + 1; // eslint-disable-line no-control-regex
    }
    if (kind === ']' || kind === 'P' || kind === '_' || kind === '^') {
      // OSC, DCS, APC, PM: a string ended by BEL or ST; its text is not shown.
      const end = STRING_END.exec(text.slice(at + 2));
      return end ? at + 2 + end.index + end[0].length : -1;
    }
    // A charset designation (`ESC ( B`) has one more byte; any other escape is two bytes.
    if ('()*+-./#%'.includes(kind)) return at + 2 < text.length ? at + 3 : -1;
    return at + 2;
  };

  const feed = (text: string) => {
    let at = 0;
    while (at < text.length) {
      CONTROL.lastIndex = at;
      const found = CONTROL.exec(text);
      const stop = found ? found.index : text.length;
      if (stop > at) put(text.slice(at, stop));
      if (!found) return;
      at = stop + 1;
      const char = found[0];
      if (char === '\n') newline();
      else if (char === '\r') col = 0;
      else if (char === '\t') put('\t');
      else if (char === '\b') col = Math.max(0, col - 1);
      else if (char === '\x1b') {
        const end = runEscape(text, stop);
        if (end < 0) {
          pending = text.slice(stop);
          if (pending.length > MAX_PENDING) pending = '';
          return;
        }
        at = end;
      }
    }
  };

  return {
    lines,
    write(chunk) {
      const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      const all = pending + text;
      pending = '';
      feed(all);
    },
    end() {
      const rest = decoder.decode() + pending;
      pending = '';
      // An escape sequence cut off by the end of the log is dropped, not shown.
      feed(rest.startsWith('\x1b') ? '' : rest);
      if (lines.length > 1 && lineLength(lines[lines.length - 1] as Line) === 0) {
        lines.pop();
        changedFrom = Math.min(changedFrom, lines.length);
      }
    },
    takeChanges() {
      const from = Math.min(changedFrom, lines.length);
      changedFrom = lines.length;
      return from;
    },
  };
}

/** The plain text of a line. */
export function lineText(line: Line): string {
  let text = '';
  for (const span of line) text += span.text;
  return text;
}

function lineLength(line: Line): number {
  let length = 0;
  for (const span of line) length += span.text.length;
  return length;
}

function appendSpan(line: Line, text: string, style: Style): void {
  const last = line[line.length - 1];
  if (last && last.style === style) last.text += text;
  else line.push({ text, style });
}

/** Spans with neighbours of one style merged. */
function joinSpans(spans: Line): Line {
  const out: Line = [];
  for (const span of spans) if (span.text) appendSpan(out, span.text, span.style);
  return out;
}

/** The spans covering columns [from, to) of a line. */
function sliceLine(line: Line, from: number, to: number): Line {
  const out: Line = [];
  let start = 0;
  for (const span of line) {
    const end = start + span.text.length;
    if (end > from && start < to) out.push({ text: span.text.slice(Math.max(0, from - start), to - start), style: span.style });
    start = end;
  }
  return out;
}

const SET_FLAGS: Record<number, number> = { 1: BOLD, 2: DIM, 3: ITALIC, 4: UNDERLINE, 7: INVERSE, 9: STRIKE, 21: UNDERLINE };
const RESET_FLAGS: Record<number, number> = { 22: BOLD | DIM, 23: ITALIC, 24: UNDERLINE, 27: INVERSE, 29: STRIKE };

/** Applies an SGR parameter list (`1;31`, `38;5;208`, `38;2;r;g;b`, `38:2::r:g:b`) to a style. */
function applySgr(style: Style, params: string, intern: (flags: number, fg?: Color, bg?: Color) => Style): Style {
  let { flags, fg, bg } = style;
  const codes = params === '' ? ['0'] : params.split(';');
  for (let i = 0; i < codes.length; i++) {
    const part = codes[i] as string;
    const sub = part.includes(':') ? part.split(':') : undefined;
    const code = Number(sub ? sub[0] : part) || 0;
    if (code === 38 || code === 48) {
      let color: Color | undefined;
      if (sub) color = readColor(sub.slice(1), sub.length >= 6 && sub[1] === '2');
      else {
        const kind = codes[i + 1];
        color = readColor(codes.slice(i + 1, i + (kind === '2' ? 5 : 3)), false);
        i += kind === '2' ? 4 : kind === '5' ? 2 : 1;
      }
      if (code === 38) fg = color;
      else bg = color;
    } else if (code === 0) {
      flags = 0;
      fg = bg = undefined;
    } else if (SET_FLAGS[code]) flags |= SET_FLAGS[code];
    else if (RESET_FLAGS[code]) flags &= ~(RESET_FLAGS[code] as number);
    else if (code >= 30 && code <= 37) fg = code - 30;
    else if (code >= 90 && code <= 97) fg = code - 82;
    else if (code === 39) fg = undefined;
    else if (code >= 40 && code <= 47) bg = code - 40;
    else if (code >= 100 && code <= 107) bg = code - 92;
    else if (code === 49) bg = undefined;
  }
  return intern(flags, fg, bg);
}

/** `5;n` → palette index n; `2;r;g;b` (or `2;space;r;g;b` with colons) → `#rrggbb`. */
function readColor(parts: string[], withColorSpace: boolean): Color | undefined {
  if (parts[0] === '5') {
    const index = Number(parts[1]);
    return Number.isInteger(index) && index >= 0 && index <= 255 ? index : undefined;
  }
  if (parts[0] !== '2') return undefined;
  const rgb = parts.slice(withColorSpace ? 2 : 1, withColorSpace ? 5 : 4).map(Number);
  if (rgb.length !== 3 || rgb.some((n) => !(n >= 0 && n <= 255))) return undefined;
  return `#${rgb.map((n) => Math.round(n).toString(16).padStart(2, '0')).join('')}`;
}
