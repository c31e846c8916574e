import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIN_KEPT_BYTES, type LogObjects } from '../../../backend/jobs/objects.js';
import { patternedBytes } from '../helpers/bytes.js';

/** A LogObjects under test, one its store refuses, the fetch that reads its presigned URLs, and how to let go of them. */
export interface LogObjectsFixture {
  objects: LogObjects;
  /** The same bucket through credentials the store refuses (403). */
  refused: LogObjects;
  /** Reads a presigned URL as a client would (the global fetch for a real endpoint). */
  fetch: typeof fetch;
  close(): Promise<void>;
}

const text = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : Buffer.from(bytes).toString());

/**
 * The LogObjects contract (unstorage-style: one suite, every driver): whole-object writes and
 * reads of a job's log, exit and size, a missing object told from a refused read, and the
 * presigned GETs clients tail with `Range: bytes=N-` (DESIGN's protocol: 200/206 new bytes,
 * 403/404/416 nothing new yet). Run against the in-memory fake and the local endpoint's S3.
 */
export function describeLogObjectsContract(name: string, open: () => Promise<LogObjectsFixture>): void {
  describe(`the LogObjects contract on ${name}`, () => {
    let fixture: LogObjectsFixture;
    beforeAll(async () => {
      fixture = await open();
    });
    afterAll(async () => fixture?.close());
    const objects = () => fixture.objects;

    it('writes an object whole with putObject, text or bytes or empty, and reads it back byte-exact', async () => {
      await objects().putObject('jobs/alice/1/log.txt', 'first\n');
      expect(text(await objects().readObject('jobs/alice/1/log.txt'))).toBe('first\n');
      const bytes = new Uint8Array([0xff, 0x00, 0xc3, 0x0a]);
      await objects().putObject('jobs/alice/1/log.txt', bytes);
      expect([...((await objects().readObject('jobs/alice/1/log.txt')) ?? [])]).toEqual([...bytes]);
      await objects().putObject('jobs/alice/1/log.txt', '');
      expect((await objects().readObject('jobs/alice/1/log.txt'))?.byteLength).toBe(0);
    });

    it('reads a missing object as undefined, and tells whether one exists without reading it, an empty one included', async () => {
      expect(await objects().readObject('jobs/alice/2/size')).toBeUndefined();
      expect(await objects().hasObject('jobs/alice/2/size')).toBe(false);
      await objects().putObject('jobs/alice/2/log.txt', '');
      expect(await objects().hasObject('jobs/alice/2/log.txt')).toBe(true);
    });

    it('hands out copies: changing bytes it read or was given changes nothing stored', async () => {
      const given = new Uint8Array([1, 2, 3]);
      await objects().putObject('jobs/alice/3/exit', given);
      given[0] = 9;
      const read = await objects().readObject('jobs/alice/3/exit');
      if (read) read[1] = 9;
      expect([...((await objects().readObject('jobs/alice/3/exit')) ?? [])]).toEqual([1, 2, 3]);
    });

    it('replaces an object whole on each write through a writer, as putObject does', async () => {
      const write = await objects().openWriter('jobs/alice/4/log.txt', 600);
      await write('first line\n');
      await write(new Uint8Array([0x68, 0x69]));
      expect(text(await objects().readObject('jobs/alice/4/log.txt'))).toBe('hi');
      await write('');
      expect((await objects().readObject('jobs/alice/4/log.txt'))?.byteLength).toBe(0);
    });

    it("keeps keys under a Go deployment's auth-name, whatever its name holds", async () => {
      const key = "jobs/ops/team a+b (prod) é's!*~:0123456789abcdef/1700000000.0a1b2c3d-0000-4000-8000-000000000000/log.txt";
      const write = await objects().openWriter(key, 600);
      await write('odd\n');
      expect(text(await objects().readObject(key))).toBe('odd\n');
      expect(await objects().hasObject(key)).toBe(true);
      const read = await fixture.fetch(await objects().presignGet(key, 600), { headers: { range: 'bytes=1-' } });
      expect(read.status).toBe(206);
      expect(await read.text()).toBe('dd\n');
    });

    it('rejects reads, checks and writes (through a writer too) the store refuses, never reading a refusal as missing', async () => {
      await objects().putObject('jobs/alice/5/log.txt', 'secret');
      await expect(fixture.refused.readObject('jobs/alice/5/log.txt')).rejects.toThrow();
      await expect(fixture.refused.readObject('jobs/alice/5/size')).rejects.toThrow();
      await expect(fixture.refused.hasObject('jobs/alice/5/size')).rejects.toThrow();
      await expect(fixture.refused.putObject('jobs/alice/5/log.txt', 'over')).rejects.toThrow();
      const write = await fixture.refused.openWriter('jobs/alice/5/log.txt', 600);
      await expect(write('over')).rejects.toThrow();
      expect(text(await objects().readObject('jobs/alice/5/log.txt'))).toBe('secret');
    });

    it('presigns GETs that read the whole object, the rest of it from a byte offset, and nothing past its end', async () => {
      await objects().putObject('jobs/alice/6/log.txt', 'hello world');
      const url = await objects().presignGet('jobs/alice/6/log.txt', 600);
      const whole = await fixture.fetch(url);
      expect(whole.status).toBe(200);
      expect(await whole.text()).toBe('hello world');
      const ranged = await fixture.fetch(url, { headers: { Range: 'bytes=6-' } });
      expect(ranged.status).toBe(206);
      expect(ranged.headers.get('content-range')).toBe('bytes 6-10/11');
      expect(await ranged.text()).toBe('world');
      const past = await fixture.fetch(url, { headers: { Range: 'bytes=11-' } });
      expect(past.status).toBe(416);
      await past.arrayBuffer();
    });

    it('presigns GETs that answer 404 for a key not written yet, and 416 for any Range of an empty object', async () => {
      const missing = await fixture.fetch(await objects().presignGet('jobs/alice/7/size', 600));
      expect(missing.status).toBe(404);
      await missing.arrayBuffer();
      await objects().putObject('jobs/alice/7/log.txt', '');
      const empty = await fixture.fetch(await objects().presignGet('jobs/alice/7/log.txt', 600), { headers: { Range: 'bytes=0-' } });
      expect(empty.status).toBe(416);
      await empty.arrayBuffer();
    });

    it('extends an object in place: its first bytes kept, the rest replaced, read back byte-exact whole and by range', async () => {
      const key = 'jobs/alice/9/log.txt';
      const first = patternedBytes(MIN_KEPT_BYTES + 1000, 1);
      await objects().putObject(key, first);
      const kept = MIN_KEPT_BYTES + 10;
      await objects().extendObject(key, kept, new TextEncoder().encode('-- the end --\n'));
      const read = (await objects().readObject(key)) ?? new Uint8Array();
      expect(read.byteLength).toBe(kept + 14);
      expect(Buffer.from(read.subarray(0, kept)).equals(Buffer.from(first.subarray(0, kept)))).toBe(true);
      expect(text(read.subarray(kept))).toBe('-- the end --\n');
      const tail = await fixture.fetch(await objects().presignGet(key, 600), { headers: { Range: `bytes=${kept}-` } });
      expect(tail.status).toBe(206);
      expect(await tail.text()).toBe('-- the end --\n');
      // The whole object kept, as the shipper keeps what it shipped.
      await objects().extendObject(key, read.byteLength, new TextEncoder().encode('more\n'));
      expect(text((await objects().readObject(key))?.subarray(read.byteLength))).toBe('more\n');
    });

    it('refuses to extend keeping fewer bytes than a part holds or more than the object has, leaving it unchanged', async () => {
      const key = 'jobs/alice/10/log.txt';
      const first = patternedBytes(MIN_KEPT_BYTES + 5, 2);
      await objects().putObject(key, first);
      await expect(objects().extendObject(key, 1024, new Uint8Array([1]))).rejects.toThrow();
      await expect(objects().extendObject(key, first.byteLength + 1, new Uint8Array([1]))).rejects.toThrow();
      await expect(objects().extendObject('jobs/alice/10/missing', MIN_KEPT_BYTES, new Uint8Array([1]))).rejects.toThrow();
      await expect(fixture.refused.extendObject(key, MIN_KEPT_BYTES, new Uint8Array([1]))).rejects.toThrow();
      const read = (await objects().readObject(key)) ?? new Uint8Array();
      expect(Buffer.from(read).equals(Buffer.from(first))).toBe(true);
      expect(await objects().hasObject('jobs/alice/10/missing')).toBe(false);
    });

    it('presigns URLs that stop working once they expire', async () => {
      await objects().putObject('jobs/alice/8/log.txt', 'soon gone');
      const url = await objects().presignGet('jobs/alice/8/log.txt', 1);
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      const expired = await fixture.fetch(url);
      expect(expired.status).toBe(403);
      await expired.arrayBuffer();
    });
  });
}
