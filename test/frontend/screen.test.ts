import { describe, expect, it } from 'vitest';
import { BOLD, DIM, INVERSE, ITALIC, UNDERLINE, createLogScreen, lineText, type LogScreen } from '../../frontend/src/log/screen.js';
import { describeLook, toCss } from '../../frontend/src/log/span-style.js';

const ESC = '\x1b';

function render(...chunks: (string | Uint8Array)[]): LogScreen {
  const screen = createLogScreen();
  for (const chunk of chunks) screen.write(chunk);
  screen.end();
  return screen;
}

function texts(screen: LogScreen): string[] {
  return screen.lines.map(lineText);
}

/** Every way to cut `text`'s bytes in two, rendered; all must equal the uncut rendering. */
function expectSplitInvariant(text: string): void {
  const bytes = new TextEncoder().encode(text);
  const whole = JSON.stringify(render(bytes).lines);
  for (let cut = 1; cut < bytes.length; cut++) {
    expect(JSON.stringify(render(bytes.slice(0, cut), bytes.slice(cut)).lines), `cut at byte ${cut}`).toBe(whole);
  }
}

describe('the log screen', () => {
  it('splits text into lines and drops the empty line after a final newline', () => {
    expect(texts(render('a\nb\n'))).toEqual(['a', 'b']);
    expect(texts(render('a\n\nb'))).toEqual(['a', '', 'b']);
    expect(texts(render(''))).toEqual(['']);
  });

  it('overwrites a line in place after a carriage return, as a terminal does', () => {
    const progress = Array.from({ length: 300 }, (_, i) => `\r${i + 1}%`).join('');
    expect(texts(render(progress, '\n'))).toEqual(['300%']);
    expect(texts(render('50%\rok'))).toEqual(['ok%']);
    expect(texts(render('abc\r\ndef'))).toEqual(['abc', 'def']);
  });

  it('keeps a line whole when a chunk ends between \\r and \\n', () => {
    expect(texts(render('abc\r', '\ndef\r', '\n'))).toEqual(['abc', 'def']);
  });

  it('erases to the end of the line with CSI K after a carriage return', () => {
    expect(texts(render(`downloading 100%\r${ESC}[Kdone\n`))).toEqual(['done']);
    expect(texts(render(`abcdef\r${ESC}[2Kxy`))).toEqual(['xy']);
    expect(texts(render(`abcdef${ESC}[3D${ESC}[1K`))).toEqual(['    ef']);
  });

  it('moves the cursor up to redraw an earlier line, as multi-line progress bars do', () => {
    expect(texts(render('one 0%\ntwo 0%\n', `${ESC}[2A\rone 9%\n\rtwo 5%\n`))).toEqual(['one 9%', 'two 5%']);
    expect(texts(render(`ab${ESC}[5Gx`))).toEqual(['ab  x']);
  });

  it('styles text with the 16 colours, bold, dim, italic, underline and inverse, and resets', () => {
    const [line] = render(`${ESC}[1;31mred${ESC}[0m plain ${ESC}[2;3;4;7mall${ESC}[22;23;24;27mnone${ESC}[92mbright`).lines;
    expect(line?.map((span) => [span.text, span.style.flags, span.style.fg])).toEqual([
      ['red', BOLD, 1],
      [' plain ', 0, undefined],
      ['all', DIM | ITALIC | UNDERLINE | INVERSE, undefined],
      ['none', 0, undefined],
      ['bright', 0, 10],
    ]);
    expect(render(`${ESC}[mx`).lines[0]?.[0]?.style.flags).toBe(0);
  });

  it('reads 256-colour and truecolor foregrounds and backgrounds, with semicolons or colons', () => {
    const [line] = render(`${ESC}[38;5;208ma${ESC}[48;2;1;2;255mb${ESC}[0;38:2::16:32:48mc${ESC}[38:5:99;49md`).lines;
    expect(line?.map((span) => [span.text, span.style.fg, span.style.bg])).toEqual([
      ['a', 208, undefined],
      ['b', 208, '#0102ff'],
      ['c', '#102030', undefined],
      ['d', 99, undefined],
    ]);
  });

  it('shares one style object between equal styles', () => {
    const [line] = render(`${ESC}[31ma${ESC}[0mb${ESC}[31mc`).lines;
    expect(line?.[0]?.style).toBe(line?.[2]?.style);
  });

  it('drops other escape sequences, OSC strings and control characters, keeping tabs', () => {
    expect(texts(render(`${ESC}[?25l${ESC}]0;title\x07a\tb${ESC}]8;;http://x${ESC}\\link${ESC}]8;;${ESC}\\\x07\x00c${ESC}(B`))).toEqual(['a\tblinkc']);
  });

  it('renders the same whatever byte a chunk boundary falls on (UTF-8, escapes, \\r\\n)', () => {
    expectSplitInvariant(`é€😀 ${ESC}[1;38;2;10;20;30mcolour${ESC}[0m\r\nline\r50%\r100%\n${ESC}]0;t\x07end`);
  });

  it('drops an escape sequence cut off by the end of the log', () => {
    expect(texts(render(`ok${ESC}[3`))).toEqual(['ok']);
  });

  it('keeps up with 100,000 lines', () => {
    const screen = createLogScreen();
    const text = Array.from({ length: 100_000 }, (_, i) => `${i + 1}\n`).join('');
    for (let at = 0; at < text.length; at += 65_536) screen.write(text.slice(at, at + 65_536));
    screen.end();
    expect(screen.lines).toHaveLength(100_000);
    expect(lineText(screen.lines[99_999] ?? [])).toBe('100000');
  });
});

describe('the look of a span', () => {
  it('uses themed classes for the 16 colours and CSS colours for the rest', () => {
    expect(describeLook({ flags: BOLD | UNDERLINE, fg: 1, bg: 12 })).toEqual({ className: 'b u f1 k12' });
    expect(describeLook({ flags: 0, fg: 208, bg: '#102030' })).toEqual({ className: '', color: 'rgb(255,135,0)', background: '#102030' });
  });

  it('swaps foreground and background for inverse, using the theme colours for defaults', () => {
    expect(describeLook({ flags: INVERSE, fg: undefined, bg: undefined })).toEqual({ className: '', color: 'var(--bg)', background: 'var(--fg)' });
    expect(describeLook({ flags: INVERSE, fg: 2, bg: undefined })).toEqual({ className: 'k2', color: 'var(--bg)' });
  });

  it('maps the 256-colour cube and grey ramp as xterm does', () => {
    expect([toCss(16), toCss(21), toCss(231), toCss(232), toCss(255)]).toEqual([
      'rgb(0,0,0)',
      'rgb(0,0,255)',
      'rgb(255,255,255)',
      'rgb(8,8,8)',
      'rgb(238,238,238)',
    ]);
  });
});
