// The prompt's history, newest last, kept in the browser's storage.

const KEY = 'aws-exec.history';
const MAX_ENTRIES = 500;

/** Reads the history (an empty one when nothing, or something unreadable, is stored). */
export function loadHistory(storage: Storage): string[] {
  try {
    const value: unknown = JSON.parse(storage.getItem(KEY) ?? '[]');
    return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
  } catch {
    return [];
  }
}

/** Adds a command (unless it repeats the last one), keeping the newest MAX_ENTRIES; returns the new history. */
export function rememberCommand(storage: Storage, command: string): string[] {
  const history = loadHistory(storage);
  if (history[history.length - 1] !== command) history.push(command);
  const kept = history.slice(-MAX_ENTRIES);
  storage.setItem(KEY, JSON.stringify(kept));
  return kept;
}

/** Forgets every command. */
export function clearHistory(storage: Storage): void {
  storage.removeItem(KEY);
}

/** The history as the original's `history` prints it: numbered lines. */
export function formatHistory(history: readonly string[]): string {
  const width = String(history.length).length;
  return history.map((command, index) => `${String(index + 1).padStart(width)}  ${command.replace(/\n/g, '\n' + ' '.repeat(width + 2))}`).join('\n');
}
