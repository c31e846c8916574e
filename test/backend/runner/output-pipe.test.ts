import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { openOutputPipe, openSocketPair, type OutputPipe } from '../../../backend/runner/output-pipe.js';

async function collect(pipe: OutputPipe, argv: string[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  pipe.reader.on('data', (chunk: Buffer) => chunks.push(chunk));
  const closed = new Promise((resolve) => pipe.reader.once('close', resolve));
  const [file, ...args] = argv;
  const child = spawn(file ?? 'true', args, { stdio: ['ignore', pipe.writeEnd, pipe.writeEnd] });
  pipe.closeWriteEnd();
  await new Promise((resolve) => child.once('exit', resolve));
  await closed;
  return Buffer.concat(chunks);
}

const interleaved = ['bash', '-c', 'for i in 1 2 3 4 5; do echo "o$i"; echo "e$i" >&2; done'];
const expected = 'o1\ne1\no2\ne2\no3\ne3\no4\ne4\no5\ne5\n';

describe('output pipes', () => {
  it('gives stdout and stderr one channel through a FIFO, in order', async () => {
    expect((await collect(await openOutputPipe(), interleaved)).toString()).toBe(expected);
  });

  it('gives stdout and stderr one channel through the socket-pair fallback, in order', async () => {
    expect((await collect(await openSocketPair(), interleaved)).toString()).toBe(expected);
  });

  it('closes the write end only once', async () => {
    const pipe = await openOutputPipe();
    pipe.closeWriteEnd();
    expect(() => pipe.closeWriteEnd()).not.toThrow();
    pipe.reader.destroy();
  });
});
