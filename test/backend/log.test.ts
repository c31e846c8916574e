import { describe, expect, it } from 'vitest';
import { cutText, formatLogLine, MAX_LOG_FIELD_CHARS, MAX_LOG_LINE_BYTES } from '../../backend/log.js';

describe('formatLogLine', () => {
  it('writes a short line exactly as JSON.stringify would', () => {
    const fields = { uid: 'u', nested: { list: [1, 2], ok: true } };
    expect(formatLogLine('info', 'job finished', fields)).toBe(JSON.stringify({ level: 'info', message: 'job finished', ...fields }));
  });

  it('cuts a 200 KB program name to the field limit, saying how much was cut', () => {
    const line = formatLogLine('info', 'job finished', { program: 'x'.repeat(200_000) });
    const parsed = JSON.parse(line) as { program: string };
    expect(parsed.program).toBe(`${'x'.repeat(MAX_LOG_FIELD_CHARS)}…[cut ${200_000 - MAX_LOG_FIELD_CHARS} chars]`);
    expect(Buffer.byteLength(line)).toBeLessThanOrEqual(MAX_LOG_LINE_BYTES);
  });

  it('keeps a line of many long fields within the line limit by cutting harder, then by keeping only the message', () => {
    const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, 'y'.repeat(5_000)]));
    const harder = formatLogLine('warn', 'many', many);
    expect(Buffer.byteLength(harder)).toBeLessThanOrEqual(MAX_LOG_LINE_BYTES);
    expect((JSON.parse(harder) as Record<string, string>).f0).toMatch(/^y{256}…\[cut 4744 chars\]$/);
    const tooMany = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`f${i}`, 'z'.repeat(5_000)]));
    const last = JSON.parse(formatLogLine('error', 'm'.repeat(5_000), tooMany)) as Record<string, unknown>;
    expect(last).toEqual({ level: 'error', message: `${'m'.repeat(1024)}…[cut 3976 chars]`, cut: true, bytes: expect.any(Number) });
  });

  it('cuts long arrays and the stacks of errors, and survives a value JSON cannot hold', () => {
    const error = new Error('boom', { cause: new Error('deeper') });
    error.stack = `Error: boom\n${'    at frame\n'.repeat(1_000)}`;
    const parsed = JSON.parse(formatLogLine('error', 'failed', { error, list: Array.from({ length: 60 }, (_, i) => i) })) as {
      error: { message: string; stack: string; cause: { message: string } };
      list: unknown[];
    };
    expect(parsed.error.message).toBe('boom');
    expect(parsed.error.cause.message).toBe('deeper');
    expect(parsed.error.stack).toMatch(/…\[cut \d+ chars\]$/);
    expect(parsed.list).toHaveLength(51);
    expect(parsed.list.at(-1)).toBe('…[cut 10 items]');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(JSON.parse(formatLogLine('warn', 'odd', { cyclic }))).toMatchObject({ level: 'warn', message: 'odd', cut: true });
  });
});

describe('cutText', () => {
  it('never splits a surrogate pair', () => {
    expect(cutText('ab😀cd', 3)).toBe('ab…[cut 4 chars]');
    expect(cutText('short', 10)).toBe('short');
  });
});
