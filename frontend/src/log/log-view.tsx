import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Line } from './screen.js';
import { describeLook } from './span-style.js';

/** Every row is this tall (the CSS gives `.log .row` the same height), so the view can compute which rows show. */
export const ROW_HEIGHT = 18;
// Rows drawn above and below the visible ones, so that a quick scroll shows no gap.
const OVERSCAN = 20;

/**
 * A job's log, virtualised: only the rows in view (and a few around them) are in the
 * page, so a log of 100,000 lines scrolls as smoothly as one of ten. It follows the end
 * while the reader is at the bottom, stops when they scroll up, and resumes when they
 * come back down (or press Follow).
 */
export function LogView({ lines, version }: { lines: Line[]; version: number }) {
  const box = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 600 });
  const [following, setFollowing] = useState(true);
  const followRef = useRef(true);

  const measure = () => {
    const element = box.current;
    if (!element) return;
    setView({ top: element.scrollTop, height: element.clientHeight });
    const atBottom = element.scrollTop + element.clientHeight >= element.scrollHeight - ROW_HEIGHT;
    followRef.current = atBottom;
    setFollowing(atBottom);
  };

  const scrollToEnd = () => {
    const element = box.current;
    if (element) element.scrollTop = element.scrollHeight;
  };

  useLayoutEffect(() => {
    if (followRef.current) scrollToEnd();
  }, [version]);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(() => {
      if (followRef.current) scrollToEnd();
      measure();
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(view.top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(lines.length, Math.ceil((view.top + view.height) / ROW_HEIGHT) + OVERSCAN);
  const rows = [];
  for (let index = first; index < last; index++) rows.push(<LogRow key={index} line={lines[index] ?? []} />);

  return (
    <div class="log-wrap">
      <div class="log" ref={box} onScroll={measure} tabIndex={0} role="log" aria-label="Job log" data-lines={lines.length}>
        <div class="log-space" style={{ height: `${lines.length * ROW_HEIGHT}px` }}>
          <div class="log-rows" style={{ transform: `translateY(${first * ROW_HEIGHT}px)` }}>
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

function LogRow({ line }: { line: Line }) {
  return (
    <div class="row">
      {line.map((span) => {
        const look = describeLook(span.style);
        if (!look.className && !look.color && !look.background) return span.text;
        const style = look.color || look.background ? { color: look.color, background: look.background } : undefined;
        return (
          <span class={look.className || undefined} style={style}>
            {span.text}
          </span>
        );
      })}
    </div>
  );
}
