import { useEffect, useRef, useState } from 'preact/hooks';

/** A setting of the log view kept in the browser (wrap, timestamps); `fallback` until the reader changes it. */
export function useStoredFlag(key: string, fallback: () => boolean): [boolean, (value: boolean) => void] {
  const [value, setValue] = useState(() => {
    const stored = localStorage.getItem(key);
    return stored === null ? fallback() : stored === '1';
  });
  return [
    value,
    (next) => {
      localStorage.setItem(key, next ? '1' : '0');
      setValue(next);
    },
  ];
}

/** Whether the screen is narrow (a phone): long lines wrap there unless the reader says otherwise. */
export function isNarrowScreen(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(max-width: 600px)').matches;
}

/** What the toolbar shows and changes. */
export interface LogToolsProps {
  query: string;
  onQuery: (query: string) => void;
  /** 0-based index of the current match, or -1. */
  current: number;
  count: number;
  onStep: (step: 1 | -1) => void;
  wrap: boolean;
  onWrap: (wrap: boolean) => void;
  times: boolean;
  onTimes: (times: boolean) => void;
}

/**
 * The log's toolbar: search (Enter: next match, Shift+Enter: previous; Ctrl+F or ⌘F
 * focuses it, pressed again it opens the browser's own find), the count of matching
 * lines, and the wrap and timestamps toggles.
 */
export function LogTools(props: LogToolsProps) {
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'f' && document.activeElement !== input.current) {
        event.preventDefault();
        input.current?.focus();
        input.current?.select();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  const status = props.query === '' ? '' : props.count === 0 ? 'no matches' : `${props.current + 1} of ${props.count}`;
  return (
    <div class="log-tools">
      <div class="search">
        <input
          ref={input}
          type="search"
          value={props.query}
          placeholder="Search the log"
          aria-label="Search the log"
          spellcheck={false}
          autocapitalize="off"
          onInput={(event) => props.onQuery(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              props.onStep(event.shiftKey ? -1 : 1);
            }
          }}
        />
        <span class="count" role="status" aria-label="Matches">
          {status}
        </span>
        <button type="button" class="quiet" aria-label="Previous match" disabled={props.count === 0} onClick={() => props.onStep(-1)}>
          ↑
        </button>
        <button type="button" class="quiet" aria-label="Next match" disabled={props.count === 0} onClick={() => props.onStep(1)}>
          ↓
        </button>
      </div>
      <label class="toggle">
        <input type="checkbox" checked={props.wrap} onChange={(event) => props.onWrap(event.currentTarget.checked)} />
        Wrap
      </label>
      <label class="toggle" title="When this page received each line's first byte">
        <input type="checkbox" checked={props.times} onChange={(event) => props.onTimes(event.currentTarget.checked)} />
        Timestamps
      </label>
    </div>
  );
}
