import { StringDecoder } from 'node:string_decoder';

/** Which of a worker's output streams a piece of text came from. */
export type OutputStream = 'stdout' | 'stderr';

/** Where execution environments' output goes (the runtime's own stdout/stderr by default). */
export type OutputSink = (stream: OutputStream, text: string) => void;

/** Writes to this process's stdout or stderr. */
export const writeToProcessOutput: OutputSink = (stream, text) => {
  process[stream].write(text);
};

/** Splits a byte stream into lines and writes each one with a prefix; `flush` writes an unfinished last line. */
export interface LinePrefixer {
  write(chunk: Buffer): void;
  flush(): void;
}

/** Creates a LinePrefixer that writes `PREFIX line\n` to `write`. */
export function createLinePrefixer(prefix: string, write: (text: string) => void): LinePrefixer {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  return {
    write(chunk) {
      const text = partial + decoder.write(chunk);
      const end = text.lastIndexOf('\n');
      if (end === -1) {
        partial = text;
        return;
      }
      partial = text.slice(end + 1);
      write(`${prefix}${text.slice(0, end).split('\n').join(`\n${prefix}`)}\n`);
    },
    flush() {
      const text = partial + decoder.end();
      partial = '';
      if (text !== '') write(`${prefix}${text}\n`);
    },
  };
}

/** The log of one invocation, of which only the last `limitBytes` are kept (what `LogType: Tail` returns). */
export class InvocationLog {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly limitBytes = 4096) {}

  /** Adds output or a line of the runtime's own (START, END, REPORT). */
  append(chunk: Buffer | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.chunks.push(bytes);
    this.size += bytes.length;
    if (this.size > this.limitBytes * 2) this.compact();
  }

  /** Ends an unfinished last line, so that the runtime's next line starts on its own. */
  endLine(): void {
    const last = this.chunks.at(-1);
    if (last !== undefined && last.length > 0 && last[last.length - 1] !== 0x0a) this.append('\n');
  }

  /** The last `limitBytes` bytes. */
  tail(): Buffer {
    this.compact();
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  private compact(): void {
    const all = Buffer.concat(this.chunks, this.size);
    const kept = all.length > this.limitBytes ? all.subarray(all.length - this.limitBytes) : all;
    this.chunks = kept.length > 0 ? [kept] : [];
    this.size = kept.length;
  }
}
