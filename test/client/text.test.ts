import { afterEach, describe, expect, it } from 'vitest';
import { createLogDecoder, decodeChunksTo, decodeText } from '../../client/index.js';
import { playJob, startFakeServer } from './fake-server.js';
import type { FakeServer } from './fake-server.js';
import { createTestClient } from './helpers.js';

let server: FakeServer;
afterEach(async () => server?.close());

describe('text decoding', () => {
  it('joins a multi-byte character split across chunks', () => {
    const bytes = new TextEncoder().encode('€ ok 😀');
    const decoder = createLogDecoder();
    const parts = [decoder.write(bytes.subarray(0, 1)), decoder.write(bytes.subarray(1, 8)), decoder.write(bytes.subarray(8)), decoder.end()];
    expect(parts).toEqual(['', '€ ok ', '😀', '']);
  });

  it('decodes a live tail whose chunks split characters, through decodeText', async () => {
    server = await startFakeServer();
    const job = server.addJob();
    const bytes = new TextEncoder().encode('naïve 日本語 😀\n');
    const cuts = [3, 9, 11, 17];
    const steps: (Uint8Array | number)[] = [];
    let at = 0;
    for (const cut of [...cuts, bytes.length]) {
      steps.push(bytes.subarray(at, cut), 40);
      at = cut;
    }
    const played = playJob(server, job.uid, steps, 0);
    const tail = createTestClient(server).tail(job.uid);
    const pieces: string[] = [];
    for await (const piece of decodeText(tail)) pieces.push(piece);
    await played;
    expect(pieces.join('')).toBe('naïve 日本語 😀\n');
    expect(pieces.every((piece) => !piece.includes('\uFFFD'))).toBe(true);
    expect(pieces.length).toBeGreaterThan(1);
  });

  it('flushes an incomplete character at the end as U+FFFD through decodeChunksTo', () => {
    const seen: string[] = [];
    const { onLog, flush } = decodeChunksTo((piece) => seen.push(piece));
    onLog(new Uint8Array([0x68, 0x69, 0xe2, 0x82]));
    flush();
    expect(seen).toEqual(['hi', '\uFFFD']);
  });
});
