import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient, createLogDecoder, type AwsExecClient } from '../../client/index.js';
import { createGoClient, type GoClient } from '../helpers/go-client.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';

// Logs through real HTTP are the bytes the command wrote, whatever they are: read by a
// Go-style client (Range GETs of the presigned log URL) and by the SDK, from the start
// and from any offset.
let runtime: TestRuntime;
let go: GoClient;
let sdk: AwsExecClient;
let scratch: string;

beforeAll(async () => {
  runtime = await startTestRuntime();
  go = createGoClient({ url: runtime.config.url, auth: runtime.config.auth });
  sdk = createClient({ url: runtime.config.url, auth: runtime.config.auth, poll: { maxDelayMs: 200 } });
  scratch = mkdtempSync(join(tmpdir(), 'aws-exec-e2e-logs-'));
});
afterAll(async () => {
  await runtime?.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs argv to its end, reads the log with both clients, checks they agree, and returns it. */
async function runAndReadBoth(argv: string[]): Promise<{ log: Buffer; exit: number }> {
  const uid = await go.start({ argv });
  const job = await go.follow(uid);
  const viaSdk = await sdk.tail(uid).collect();
  expect(Buffer.from(viaSdk.bytes).equals(job.log)).toBe(true);
  expect(viaSdk.exitCode).toBe(job.exit);
  return job;
}

/** A shell snippet that waits until the file exists (the test opens the gate when it is ready). */
const waitForGate = (gate: string) => `while [ ! -e '${gate}' ]; do sleep 0.02; done`;

describe('byte-exact logs through real HTTP', () => {
  it('keeps multi-byte UTF-8 exact: accents, CJK, a 4-byte emoji, a ZWJ sequence and combining marks', async () => {
    const text = 'héllo wörld — 日本語 😀 👩‍👩‍👧 e\u0301 a\u0308\u0323 Z\u0351\u0364\n';
    const job = await runAndReadBoth(['printf', '%s', text]);
    expect(job.exit).toBe(0);
    expect(job.log.equals(Buffer.from(text, 'utf8'))).toBe(true);
  });

  it('keeps invalid UTF-8 bytes exact instead of replacing them', async () => {
    const job = await runAndReadBoth(['bash', '-c', "printf '\\xff\\xfe\\xc3'; printf ' \\xc0\\xaf \\xed\\xa0\\x80 \\xe2\\x82'"]);
    expect([...job.log]).toEqual([0xff, 0xfe, 0xc3, 0x20, 0xc0, 0xaf, 0x20, 0xed, 0xa0, 0x80, 0x20, 0xe2, 0x82]);
  });

  it('keeps NUL bytes, CRLF and lone CRs exact', async () => {
    const job = await runAndReadBoth(['bash', '-c', "printf 'a\\0b\\0\\0c\\r\\none\\r\\ntwo\\r\\rthree\\n\\0'"]);
    expect(job.log.equals(Buffer.from('a\0b\0\0c\r\none\r\ntwo\r\rthree\n\0', 'latin1'))).toBe(true);
  });

  it('keeps every byte value 0-255 exact in a binary output', async () => {
    const bytes = Buffer.from(Array.from({ length: 256 * 16 }, (_, i) => (i * 7) % 256));
    const file = join(scratch, 'binary.bin');
    writeFileSync(file, bytes);
    const job = await runAndReadBoth(['cat', file]);
    expect(job.log.equals(bytes)).toBe(true);
  });

  it('keeps stdout and stderr interleaved in the order they were written', async () => {
    const job = await runAndReadBoth(['sh', '-c', 'i=1; while [ $i -le 200 ]; do echo "out $i"; echo "err $i" >&2; i=$((i+1)); done; exit 7']);
    const expected = Array.from({ length: 200 }, (_, k) => `out ${k + 1}\nerr ${k + 1}\n`).join('');
    expect(job.exit).toBe(7);
    expect(job.log.toString()).toBe(expected);
  });

  it('delivers a character split across two uploads whole, to raw readers and to the SDK decoder', async () => {
    const gate = join(scratch, 'split-gate');
    const uid = await go.start({ argv: ['bash', '-c', `printf 'price: \\xe2\\x82'; ${waitForGate(gate)}; printf '\\xac 5\\n'`] });
    // The first two bytes of the euro sign are shipped on their own before the gate opens.
    await vi.waitFor(async () => expect((await go.readLog(uid)).toString('latin1')).toBe('price: \xe2\x82'), { timeout: 30_000, interval: 50 });
    const decoder = createLogDecoder();
    let text = '';
    const sdkExit = sdk.tail(uid).exit((chunk) => void (text += decoder.write(chunk)));
    writeFileSync(gate, '');
    const job = await go.follow(uid);
    expect(job.log.equals(Buffer.from('price: € 5\n', 'utf8'))).toBe(true);
    expect(await sdkExit).toBe(0);
    expect(text + decoder.end()).toBe('price: € 5\n');
  });
});

describe('resuming a tail from an offset through real HTTP', () => {
  it('gives the Go-style client the exact rest of a finished log from any offset, and the exit at its end', async () => {
    const text = 'één 😀 twee\r\ndrie\n';
    const uid = await go.start({ argv: ['sh', '-c', `printf '%s' '${text}'; exit 4`] });
    const whole = await go.follow(uid);
    const bytes = Buffer.from(text, 'utf8');
    expect(whole.log.equals(bytes)).toBe(true);
    for (const from of [1, 2, 5, 9, bytes.length - 1]) {
      const rest = await go.follow(uid, { from });
      expect(rest.log.equals(bytes.subarray(from))).toBe(true);
      expect(rest.exit).toBe(4);
    }
    expect(await go.status(uid, bytes.length)).toEqual({ exit: 4 });
    const past = await go.request('GET', `/api/exec?uid=${uid}&range-start=${bytes.length + 1}`);
    expect(past.status).toBe(400);
    expect(JSON.parse(past.text)).toEqual({ error: expect.stringContaining(`at most the log's final size ${bytes.length}`) });
  });

  it('resumes a running job where a reader stopped, raw and with the SDK, with identical bytes', async () => {
    const gate = join(scratch, 'resume-gate');
    const uid = await go.start({ argv: ['bash', '-c', `printf 'first 😀 part\\n'; ${waitForGate(gate)}; printf 'second part \\xff\\n'; exit 2`] });
    const first = Buffer.from('first 😀 part\n', 'utf8');
    await vi.waitFor(async () => expect((await go.readLog(uid)).equals(first)).toBe(true), { timeout: 30_000, interval: 50 });
    writeFileSync(gate, '');
    const rawRest = await go.follow(uid, { from: first.length });
    const expectedRest = Buffer.concat([Buffer.from('second part ', 'utf8'), Buffer.from([0xff, 0x0a])]);
    expect(rawRest.log.equals(expectedRest)).toBe(true);
    expect(rawRest.exit).toBe(2);
    // Resume in the middle of the emoji: the bytes are the bytes, characters do not matter.
    const sdkRest = await sdk.tail(uid, { from: 8 }).collect();
    expect(Buffer.from(sdkRest.bytes).equals(Buffer.concat([first, expectedRest]).subarray(8))).toBe(true);
    expect(sdkRest.exitCode).toBe(2);
    const sdkTail = sdk.tail(uid, { from: first.length });
    expect(await sdkTail.exit()).toBe(2);
    expect(sdkTail.offset).toBe(first.length + expectedRest.length);
  });
});
