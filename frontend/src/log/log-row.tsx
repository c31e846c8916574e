import type { ComponentChild } from 'preact';
import type { Line, Span } from './screen.js';
import { describeLook } from './span-style.js';

/** What one drawn row shows besides its text. */
export interface RowProps {
  line: Line;
  /** 1-based line number. */
  number: number;
  /** The address of this line (`#/job/UID/L12`). */
  href: string;
  /** When the line arrived, epoch ms, if timestamps show. */
  time?: number | undefined;
  /** Height in rows of 18 px (more than 1 only when wrapped). */
  rows: number;
  /** The search text, lower-cased, when this line matches it. */
  mark?: string | undefined;
  classes: string;
  /** Set on a group's header: its title replaces the marker line. */
  group?: { title: string; open: boolean; onToggle: () => void } | undefined;
}

/** One row of the log: line number (a link to the line), optional arrival time, and the styled text. */
export function LogRow(props: RowProps) {
  const { number, href, time, rows, classes, group } = props;
  return (
    <div class={`row${classes}`} style={rows > 1 ? { height: `${rows * 18}px` } : undefined} data-line={number}>
      <a class="ln" href={href} tabIndex={-1} aria-label={`line ${number}`}>
        {number}
      </a>
      {time !== undefined && (
        <span class="ts" title={new Date(time).toISOString()}>
          {formatClock(time)}
        </span>
      )}
      {group ? (
        <>
          <button type="button" class="fold" aria-expanded={group.open} aria-label={`${group.open ? 'Collapse' : 'Expand'} ${group.title || 'group'}`} onClick={group.onToggle}>
            {group.open ? '▾' : '▸'}
          </button>
          <span class="text group-title">{group.title}</span>
        </>
      ) : (
        <span class="text">{drawSpans(props.line, props.mark)}</span>
      )}
    </div>
  );
}

/** A time of day as `HH:MM:SS.mmm` (local time). */
export function formatClock(ms: number): string {
  const date = new Date(ms);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** The spans as text and styled elements, with each occurrence of `mark` (lower-case) in a <mark>. */
function drawSpans(line: Line, mark: string | undefined): ComponentChild[] {
  const ranges = mark ? findRanges(line, mark) : [];
  const out: ComponentChild[] = [];
  let at = 0;
  for (const span of line) {
    const end = at + span.text.length;
    let from = at;
    for (const [start, stop] of ranges) {
      if (stop <= from || start >= end) continue;
      if (start > from) out.push(drawSpan(span, span.text.slice(from - at, start - at)));
      const inside = span.text.slice(Math.max(start, from) - at, Math.min(stop, end) - at);
      out.push(<mark>{drawSpan(span, inside)}</mark>);
      from = Math.min(stop, end);
    }
    if (from < end) out.push(drawSpan(span, span.text.slice(from - at)));
    at = end;
  }
  return out;
}

function drawSpan(span: Span, text: string): ComponentChild {
  const look = describeLook(span.style);
  if (!look.className && !look.color && !look.background) return text;
  const style = look.color || look.background ? { color: look.color, background: look.background } : undefined;
  return (
    <span class={look.className || undefined} style={style}>
      {text}
    </span>
  );
}

/** [start, end) of each occurrence of `needle` (lower-case) in the line's text, ignoring case. */
function findRanges(line: Line, needle: string): [number, number][] {
  let text = '';
  for (const span of line) text += span.text;
  const haystack = text.toLowerCase();
  const ranges: [number, number][] = [];
  for (let at = haystack.indexOf(needle); at !== -1 && needle.length > 0; at = haystack.indexOf(needle, at + needle.length)) ranges.push([at, at + needle.length]);
  return ranges;
}
