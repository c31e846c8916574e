import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { lineHash } from '../app/route.js';
import { findGroupOf, findMatches, findRow, listVisibleLines, outlineLog, countWrappedRows, updateTexts, type LogGroup } from './log-index.js';
import { LogRow } from './log-row.js';
import { LogTools, isNarrowScreen, useStoredFlag } from './log-tools.js';
import type { LogScreen } from './screen.js';

/** Every row is this tall (the CSS gives `.log .row` the same height); a wrapped line is a whole number of them. */
export const ROW_HEIGHT = 18;
// Rows drawn above and below the visible ones, so that a quick scroll shows no gap.
const OVERSCAN = 20;
// Width of the timestamps column and of the row's side padding, in characters.
const TIME_COLUMNS = 13;
const PADDING_PX = 16;

/** What the log view draws. */
export interface LogViewProps {
  screen: LogScreen;
  /** Bumped whenever the screen changed. */
  version: number;
  uid: string;
  /** When each line's first byte arrived at this page, epoch ms, by line index. */
  times: number[];
  /** A line to open at and highlight (0-based), from `#/job/UID/L123`. */
  target?: number | undefined;
  /** While the job runs, its last group stays open (as a running step does). */
  running: boolean;
}

/**
 * A job's log, virtualised: only the rows in view (and a few around them) are in the
 * page, so a log of 200,000 lines scrolls as smoothly as one of ten. Line numbers link to
 * their line; a search finds lines anywhere in the log; groups fold; long lines scroll
 * sideways or wrap. It follows the end while the reader is at the bottom, stops when
 * they scroll up, and resumes when they come back down (or press Follow).
 */
export function LogView({ screen, version, uid, times, target, running }: LogViewProps) {
  const box = useRef<HTMLDivElement>(null);
  const probe = useRef<HTMLSpanElement>(null);
  const texts = useRef<string[]>([]);
  const widths = useRef<number[]>([]);
  const changed = useRef(0);
  const searched = useRef({ query: '', lines: [] as number[] });
  const handledTarget = useRef<number | undefined>(undefined);
  const [view, setView] = useState({ top: 0, height: 600, width: 800 });
  const [charWidth, setCharWidth] = useState(7.8);
  const [following, setFollowing] = useState(target === undefined);
  const followRef = useRef(target === undefined);
  const [wrap, setWrap] = useStoredFlag('aws-exec.log-wrap', isNarrowScreen);
  const [showTimes, setShowTimes] = useStoredFlag('aws-exec.log-times', () => false);
  const [opened, setOpened] = useState<ReadonlyMap<number, boolean>>(new Map());
  const [query, setQuery] = useState('');
  const [current, setCurrent] = useState(-1);
  const [scrollTo, setScrollTo] = useState<{ line: number }>();
  const lines = screen.lines;

  const outline = useMemo(() => {
    const from = Math.min(screen.takeChanges(), texts.current.length);
    changed.current = from;
    updateTexts(texts.current, lines, from);
    widths.current.length = Math.min(widths.current.length, from);
    for (let index = widths.current.length; index < texts.current.length; index++) widths.current[index] = countWrappedRows(texts.current[index] as string, 1);
    return outlineLog(texts.current);
  }, [version]);

  const matches = useMemo(() => {
    const state = searched.current;
    if (state.query !== query) return (searched.current = { query, lines: findMatches(texts.current, query) }).lines;
    const keep = state.lines.findIndex((line) => line >= changed.current);
    if (keep >= 0) state.lines.length = keep;
    return findMatches(texts.current, query, changed.current, state.lines);
  }, [version, query]);
  const currentLine = current >= 0 ? matches[current] : undefined;

  // Groups holding the line to show (the link's, the current match's) are opened for it.
  const forced = [target, currentLine].map((line) => (line === undefined ? undefined : findGroupOf(outline, line)?.start));
  const lastGroup = outline.groups[outline.groups.length - 1];
  const isCollapsed = (group: LogGroup) => {
    if (forced.includes(group.start)) return false;
    const open = opened.get(group.start);
    if (open !== undefined) return !open;
    if (running && group === lastGroup && group.end === lines.length) return false;
    return group.collapsed;
  };
  const visible = useMemo(() => listVisibleLines(lines.length, outline, isCollapsed), [version, outline, opened, running, forced[0], forced[1]]);
  const rowCount = visible ? visible.length : lines.length;
  const lineAt = (row: number) => (visible ? (visible[row] as number) : row);

  const digits = String(Math.max(lines.length, 9)).length;
  const gutterColumns = digits + 1;
  const columns = Math.max(8, Math.floor((view.width - PADDING_PX - 2) / charWidth) - gutterColumns - (showTimes ? TIME_COLUMNS : 0) - 1);
  const offsets = useMemo(() => {
    if (!wrap) return undefined;
    const sums = new Float64Array(rowCount + 1);
    for (let row = 0; row < rowCount; row++) {
      const line = lineAt(row);
      const group = outline.byStart.get(line);
      const width = group ? group.title.length + 2 : (widths.current[line] ?? 1);
      sums[row + 1] = (sums[row] as number) + Math.max(1, Math.ceil(width / columns));
    }
    return sums;
  }, [visible, version, wrap, columns]);
  const unitsBefore = (row: number) => (offsets ? (offsets[row] as number) : row);
  const rowAtUnit = (unit: number) => (offsets ? upperBound(offsets, unit) - 1 : Math.floor(unit));

  const measure = () => {
    const element = box.current;
    if (!element) return;
    setView({ top: element.scrollTop, height: element.clientHeight, width: element.clientWidth });
    const atBottom = element.scrollTop + element.clientHeight >= element.scrollHeight - ROW_HEIGHT;
    followRef.current = atBottom;
    setFollowing(atBottom);
  };
  const scrollToEnd = () => {
    const element = box.current;
    if (element) element.scrollTop = element.scrollHeight;
  };
  const stopFollowing = () => {
    followRef.current = false;
    setFollowing(false);
  };

  useLayoutEffect(() => {
    if (followRef.current) scrollToEnd();
  }, [version, wrap, showTimes]);

  useLayoutEffect(() => {
    const element = box.current;
    if (!scrollTo || !element) return;
    const row = findRow(visible, scrollTo.line);
    if (row >= 0) element.scrollTop = Math.max(0, unitsBefore(row) * ROW_HEIGHT - element.clientHeight / 3);
    setScrollTo(undefined);
  }, [scrollTo, visible, offsets]);

  useEffect(() => {
    if (target === undefined || target >= lines.length || handledTarget.current === target) return;
    handledTarget.current = target;
    stopFollowing();
    setScrollTo({ line: target });
  }, [target, version]);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(() => {
      const width = probe.current?.getBoundingClientRect().width;
      if (width) setCharWidth(width / 10);
      if (followRef.current) scrollToEnd();
      measure();
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const search = (next: string) => {
    setQuery(next);
    const found = next === '' ? [] : findMatches(texts.current, next);
    setCurrent(found.length > 0 ? 0 : -1);
    if (found[0] !== undefined) {
      stopFollowing();
      setScrollTo({ line: found[0] });
    }
  };
  const step = (by: 1 | -1) => {
    if (matches.length === 0) return;
    const next = (Math.max(current, by > 0 ? -1 : 0) + by + matches.length) % matches.length;
    setCurrent(next);
    stopFollowing();
    setScrollTo({ line: matches[next] as number });
  };
  const toggle = (group: LogGroup) => setOpened(new Map(opened).set(group.start, isCollapsed(group)));

  const first = Math.max(0, rowAtUnit(view.top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rowCount, rowAtUnit((view.top + view.height) / ROW_HEIGHT) + 1 + OVERSCAN);
  const needle = query.toLowerCase();
  const rows = [];
  for (let row = first; row < last; row++) {
    const line = lineAt(row);
    const group = outline.byStart.get(line);
    const text = texts.current[line] ?? '';
    rows.push(
      <LogRow
        key={line}
        line={lines[line] ?? []}
        number={line + 1}
        href={lineHash(uid, line + 1)}
        time={showTimes ? times[line] : undefined}
        rows={unitsBefore(row + 1) - unitsBefore(row)}
        mark={needle !== '' && text.toLowerCase().includes(needle) ? needle : undefined}
        classes={(line === target ? ' target' : '') + (line === currentLine ? ' current' : '')}
        group={group ? { title: group.title, open: !isCollapsed(group), onToggle: () => toggle(group) } : undefined}
      />,
    );
  }

  return (
    <div class="log-wrap">
      <LogTools query={query} onQuery={search} current={current} count={matches.length} onStep={step} wrap={wrap} onWrap={setWrap} times={showTimes} onTimes={setShowTimes} />
      <div
        class={`log${wrap ? ' wrap' : ''}`}
        ref={box}
        onScroll={measure}
        tabIndex={0}
        role="log"
        aria-label="Job log"
        data-lines={lines.length}
        style={{ '--gutter': `${gutterColumns}ch`, '--columns': `${columns}ch` }}
      >
        <span class="probe" ref={probe} aria-hidden="true">
          {'0'.repeat(10)}
        </span>
        <div class="log-space" style={{ height: `${unitsBefore(rowCount) * ROW_HEIGHT}px` }}>
          <div class="log-rows" style={{ transform: `translateY(${unitsBefore(first) * ROW_HEIGHT}px)` }}>
            {rows}
          </div>
        </div>
      </div>
      {!following && (
        <button type="button" class="follow" onClick={scrollToEnd}>
          ↓ Follow
        </button>
      )}
    </div>
  );
}

/** The first index whose value is greater than `value` in an ascending array. */
function upperBound(values: Float64Array, value: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((values[middle] as number) <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}
