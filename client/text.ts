// Log chunks are bytes cut wherever the shipper cut them, so a multi-byte UTF-8
// character can be split across two chunks; a streaming TextDecoder keeps the pending
// bytes until the rest arrives.

/** A stateful decoder: `write(chunk)` returns the text complete so far, `end()` flushes the rest. */
export interface LogDecoder {
  write(chunk: Uint8Array): string;
  end(): string;
}

/** Creates a UTF-8 decoder for consecutive log chunks (invalid bytes become U+FFFD). */
export function createLogDecoder(): LogDecoder {
  const decoder = new TextDecoder('utf-8');
  return {
    write: (chunk) => decoder.decode(chunk, { stream: true }),
    end: () => decoder.decode(),
  };
}

/** Turns a stream of byte chunks into a stream of text, never splitting a character. */
export async function* decodeText(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string, void, undefined> {
  const decoder = createLogDecoder();
  for await (const chunk of chunks) {
    const text = decoder.write(chunk);
    if (text.length > 0) yield text;
  }
  const rest = decoder.end();
  if (rest.length > 0) yield rest;
}

/** Wraps a text callback so that it can be given byte chunks (e.g. as `exec`'s `onLog`). */
export function decodeChunksTo(onText: (text: string) => void): { onLog: (chunk: Uint8Array) => void; flush: () => void } {
  const decoder = createLogDecoder();
  return {
    onLog: (chunk) => {
      const text = decoder.write(chunk);
      if (text.length > 0) onText(text);
    },
    flush: () => {
      const rest = decoder.end();
      if (rest.length > 0) onText(rest);
    },
  };
}
