import { useEffect, useRef, useState } from 'preact/hooks';
import { loadHistory } from './history.js';

/**
 * The prompt: Enter runs, Shift+Enter adds a line, `/` anywhere focuses it, and
 * ArrowUp/ArrowDown (on the first/last line) walk the history kept in the browser.
 */
export function Prompt({ onCommand, busy, fill }: { onCommand: (command: string) => void; busy: boolean; fill?: { text: string; nonce: number } | undefined }) {
  const input = useRef<HTMLTextAreaElement>(null);
  const [text, setText] = useState('');
  const walk = useRef({ index: -1, draft: '' });

  useEffect(() => {
    if (!fill) return;
    setText(fill.text);
    walk.current = { index: -1, draft: '' };
    input.current?.focus();
    input.current?.scrollIntoView({ block: 'center' });
  }, [fill?.nonce]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const typing = target?.closest('input, textarea, select, [contenteditable]');
      if (event.key === '/' && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        input.current?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const recall = (step: -1 | 1, event: KeyboardEvent) => {
    const history = loadHistory(localStorage);
    const state = walk.current;
    const from = state.index < 0 ? history.length : state.index;
    const to = from + step;
    if (to < 0 || to > history.length || (state.index < 0 && step > 0)) return;
    event.preventDefault();
    if (state.index < 0) state.draft = text;
    state.index = to === history.length ? -1 : to;
    setText(state.index < 0 ? state.draft : (history[to] ?? ''));
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const element = event.currentTarget as HTMLTextAreaElement;
    const before = element.value.slice(0, element.selectionStart);
    const after = element.value.slice(element.selectionEnd);
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      const command = text.trim();
      if (!command || busy) return;
      walk.current = { index: -1, draft: '' };
      setText('');
      onCommand(command);
    } else if (event.key === 'ArrowUp' && !before.includes('\n')) recall(-1, event);
    else if (event.key === 'ArrowDown' && !after.includes('\n')) recall(1, event);
  };

  return (
    <div class="prompt">
      <span class="sigil" aria-hidden="true">
        $
      </span>
      <textarea
        ref={input}
        value={text}
        rows={Math.min(8, text.split('\n').length)}
        onInput={(event) => setText(event.currentTarget.value)}
        onKeyDown={onKeyDown}
        aria-label="Command (Enter runs, Shift+Enter adds a line, / focuses)"
        placeholder="shell command (/ focuses, ↑ history)"
        spellcheck={false}
        autocapitalize="off"
        autocomplete="off"
        autofocus
      />
    </div>
  );
}
