import { lineText, type Line } from './screen.js';

// What the log view needs to know about a log's lines besides drawing them: their plain
// text (for search, groups and wrapped heights), kept up to date from the first line the
// screen changed; the groups the log's own markers make; which lines show when some
// groups are collapsed; and how many rows a line takes when wrapped.

/** A collapsible group: GitHub's `::group::title` … `::endgroup::`, or a Buildkite `--- title` / `+++ title` / `~~~ title` section (to the next header). */
export interface LogGroup {
  /** The header's line index. */
  start: number;
  /** The first line after the group (its `::endgroup::` line for GitHub's markers, which is hidden). */
  end: number;
  title: string;
  /** GitHub's groups, and Buildkite's `---` and `~~~`, start collapsed; Buildkite's `+++` starts open. */
  collapsed: boolean;
}

/** The groups of a log, and the marker lines that are not shown (`::endgroup::`). */
export interface LogOutline {
  groups: LogGroup[];
  /** Group by its header line. */
  byStart: Map<number, LogGroup>;
  hidden: Set<number>;
}

const GITHUB_START = '::group::';
const GITHUB_END = '::endgroup::';
const BUILDKITE = /^(---|\+\+\+|~~~) (.*)$/;

/** Updates `texts` (one plain text per line) from line `from` on; returns it. */
export function updateTexts(texts: string[], lines: readonly Line[], from: number): string[] {
  texts.length = Math.min(texts.length, lines.length);
  for (let index = Math.min(from, texts.length); index < lines.length; index++) texts[index] = lineText(lines[index] as Line);
  return texts;
}

/** Finds the groups the log's markers make (a GitHub group ends at its `::endgroup::`, or at the next header or the end). */
export function outlineLog(texts: readonly string[]): LogOutline {
  const groups: LogGroup[] = [];
  const hidden = new Set<number>();
  let open: LogGroup | undefined;
  const close = (end: number) => {
    if (open) open.end = end;
    open = undefined;
  };
  for (let index = 0; index < texts.length; index++) {
    const text = texts[index] as string;
    const first = text.charCodeAt(0);
    // Only lines starting with ':', '-', '+' or '~' can be markers: the rest cost one comparison.
    if (first !== 58 && first !== 45 && first !== 43 && first !== 126) continue;
    if (text.startsWith(GITHUB_END)) {
      if (open) {
        close(index);
        hidden.add(index);
      }
      continue;
    }
    const github = text.startsWith(GITHUB_START);
    const buildkite = github ? null : BUILDKITE.exec(text);
    if (!github && !buildkite) continue;
    close(index);
    open = {
      start: index,
      end: texts.length,
      title: github ? text.slice(GITHUB_START.length) : (buildkite?.[2] ?? ''),
      collapsed: github || buildkite?.[1] !== '+++',
    };
    groups.push(open);
  }
  return { groups, byStart: new Map(groups.map((group) => [group.start, group])), hidden };
}

/**
 * The line index of each row shown, given which groups are collapsed; undefined when
 * every line shows (no groups), which the view treats as row = line.
 */
export function listVisibleLines(lineCount: number, outline: LogOutline, isCollapsed: (group: LogGroup) => boolean): Int32Array | undefined {
  if (outline.groups.length === 0 && outline.hidden.size === 0) return undefined;
  const rows = new Int32Array(lineCount);
  let count = 0;
  for (let index = 0; index < lineCount; index++) {
    if (outline.hidden.has(index)) continue;
    rows[count++] = index;
    const group = outline.byStart.get(index);
    if (group && isCollapsed(group)) index = group.end - 1;
  }
  return rows.subarray(0, count);
}

/** The row showing a line, or -1 when it is hidden (in a collapsed group). */
export function findRow(visible: Int32Array | undefined, line: number): number {
  if (visible === undefined) return line;
  let low = 0;
  let high = visible.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const value = visible[middle] as number;
    if (value === line) return middle;
    if (value < line) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

/** The group holding a line (the innermost is the only one: groups do not nest), if any. */
export function findGroupOf(outline: LogOutline, line: number): LogGroup | undefined {
  return outline.groups.find((group) => group.start < line && line < group.end);
}

/** Lines whose text holds `query`, ignoring case (one entry per line, in order). */
export function findMatches(texts: readonly string[], query: string, from = 0, into: number[] = []): number[] {
  if (query === '') return into;
  const needle = query.toLowerCase();
  const plain = needle === query.toUpperCase(); // nothing with a case in it: no need to fold the lines
  for (let index = from; index < texts.length; index++) {
    const text = texts[index] as string;
    if ((plain ? text : text.toLowerCase()).includes(needle)) into.push(index);
  }
  return into;
}

/**
 * How many rows a line of text takes when wrapped at `columns` (the view breaks anywhere,
 * in a monospace font): tabs reach the next multiple of 8, East Asian wide characters
 * and emoji take two columns.
 */
export function countWrappedRows(text: string, columns: number): number {
  if (columns < 1) return 1;
  let width = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x1100) width += code === 9 ? 8 - (width % 8) : 1;
    else if (code >= 0xd800 && code <= 0xdbff) {
      width += 2;
      index++;
    } else width += isWide(code) ? 2 : 1;
  }
  return Math.max(1, Math.ceil(width / columns));
}

function isWide(code: number): boolean {
  return (code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf) || (code >= 0xac00 && code <= 0xd7a3) || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xfe30 && code <= 0xfe4f) || (code >= 0xff00 && code <= 0xff60) || (code >= 0xffe0 && code <= 0xffe6);
}
