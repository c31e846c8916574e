import { describe, expect, it } from 'vitest';
import { LogBuffer } from '../../../backend/shipper/log-buffer.js';
import { truncationMarker } from '../../../protocol/index.js';

function bytes(length: number, seed = 0): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

describe('LogBuffer', () => {
  it('keeps the whole output while it is within the cap', () => {
    const buffer = new LogBuffer(1024);
    const input = bytes(1000);
    for (let i = 0; i < input.length; i += 7) buffer.append(input.subarray(i, i + 7));
    expect(buffer.truncated).toBe(false);
    expect(Buffer.from(buffer.finalView()).equals(input)).toBe(true);
  });

  it('gives the final log from any offset and its length without building it, within the cap and past it', () => {
    for (const total of [0, 500, 1024, 50_000]) {
      const buffer = new LogBuffer(1024);
      const input = bytes(total, 9);
      for (let i = 0; i < input.length; i += 100) buffer.append(input.subarray(i, i + 100));
      const whole = Buffer.from(buffer.finalView());
      expect(buffer.finalLength).toBe(whole.byteLength);
      for (const from of [0, 1, buffer.headLimit - 1, buffer.headLimit, buffer.headLimit + 3, whole.byteLength - 1, whole.byteLength, whole.byteLength + 5]) {
        expect(Buffer.from(buffer.finalView(from)).equals(whole.subarray(Math.min(from, whole.byteLength))), `total ${total}, from ${from}`).toBe(true);
      }
    }
  });

  it('keeps a log of exactly the cap whole', () => {
    const buffer = new LogBuffer(1024);
    const input = bytes(1024, 5);
    buffer.append(input);
    expect(Buffer.from(buffer.finalView()).equals(input)).toBe(true);
  });

  it('keeps the exact head and tail around a marker naming the dropped bytes past the cap', () => {
    const cap = 4096;
    const buffer = new LogBuffer(cap);
    const input = bytes(50_000, 3);
    for (let i = 0; i < input.length; i += 333) buffer.append(input.subarray(i, i + 333));
    const final = Buffer.from(buffer.finalView());
    const dropped = input.length - buffer.headLimit - buffer.tailLimit;
    const marker = Buffer.from(truncationMarker(dropped));
    expect(final.length).toBeLessThanOrEqual(cap);
    expect(final.subarray(0, buffer.headLimit).equals(input.subarray(0, buffer.headLimit))).toBe(true);
    expect(final.subarray(buffer.headLimit, buffer.headLimit + marker.length).equals(marker)).toBe(true);
    expect(final.subarray(buffer.headLimit + marker.length).equals(input.subarray(input.length - buffer.tailLimit))).toBe(true);
  });

  it('handles a single chunk far larger than the cap', () => {
    const buffer = new LogBuffer(2048);
    const input = bytes(100_000, 9);
    buffer.append(input);
    const final = Buffer.from(buffer.finalView());
    expect(final.subarray(0, buffer.headLimit).equals(input.subarray(0, buffer.headLimit))).toBe(true);
    expect(final.subarray(final.length - buffer.tailLimit).equals(input.subarray(input.length - buffer.tailLimit))).toBe(true);
  });

  it('offers only the head as the live view, a prefix of the final log whatever comes later', () => {
    const buffer = new LogBuffer(4096);
    buffer.append(bytes(3500));
    const live = Buffer.from(buffer.liveView());
    expect(live.length).toBe(buffer.headLimit);
    buffer.append(bytes(10_000, 1));
    const final = Buffer.from(buffer.finalView());
    expect(final.subarray(0, live.length).equals(live)).toBe(true);
  });

  it('copies appended chunks, so a caller may reuse its buffer', () => {
    const buffer = new LogBuffer(1024);
    const chunk = Buffer.from('abc');
    buffer.append(chunk);
    chunk.fill(0x78);
    expect(Buffer.from(buffer.finalView()).toString()).toBe('abc');
  });

  it('knows whether the output ends at a line start', () => {
    const buffer = new LogBuffer(1024);
    expect(buffer.atLineStart).toBe(true);
    buffer.append(Buffer.from('partial'));
    expect(buffer.atLineStart).toBe(false);
    buffer.append(Buffer.from(' line\n'));
    expect(buffer.atLineStart).toBe(true);
  });

  it('refuses a cap too small to hold a head, the marker and a tail', () => {
    expect(() => new LogBuffer(10)).toThrow(/Expected a log cap of at least \d+ bytes, got 10/);
  });
});
