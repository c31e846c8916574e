import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, openSync, readdirSync, unlinkSync } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { diskFullGuard } from '../../faults/disk.js';

/**
 * Object bodies as plain files named by generated ids (never by key, so no key can reach the
 * filesystem). A body is written to `tmp/ID`, renamed into `bodies/ID` once complete, and only
 * then referenced by a committed metadata row; whatever a crash leaves behind is swept on start.
 */
export class BodyFiles {
  private readonly bodiesDir: string;
  private readonly tmpDir: string;

  constructor(root: string) {
    this.bodiesDir = join(root, 'bodies');
    this.tmpDir = join(root, 'tmp');
    mkdirSync(this.bodiesDir, { recursive: true });
    mkdirSync(this.tmpDir, { recursive: true });
  }

  /**
   * Writes a body from a stream of chunks; on any failure the partial file is removed and the
   * error rethrown. Under an injected full disk (`../../faults/disk.ts`) the write fails with
   * ENOSPC on this same path.
   */
  async write(source: AsyncIterable<Buffer>): Promise<string> {
    const id = randomUUID();
    const tmp = join(this.tmpDir, id);
    try {
      const guard = diskFullGuard();
      if (guard) await pipeline(source, guard, createWriteStream(tmp, { flags: 'wx' }));
      else await pipeline(source, createWriteStream(tmp, { flags: 'wx' }));
      await rename(tmp, join(this.bodiesDir, id));
    } catch (error) {
      await unlink(tmp).catch(() => undefined);
      throw error;
    }
    return id;
  }

  /**
   * Opens a body for reading, synchronously: called in the same tick as the metadata lookup,
   * so no overwrite can commit and unlink the body in between. Returns undefined when missing.
   */
  openSync(id: string): number | undefined {
    try {
      return openSync(join(this.bodiesDir, id), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Deletes bodies no longer referenced; readers that opened them keep reading until they close. */
  remove(ids: readonly string[]): void {
    for (const id of ids) void unlink(join(this.bodiesDir, id)).catch(() => undefined);
  }

  /** Deletes every temp file and every body not in `referenced` (left by a crash). Returns how many were removed. */
  sweep(referenced: ReadonlySet<string>): number {
    let removed = 0;
    for (const name of readdirSync(this.tmpDir)) {
      unlinkSync(join(this.tmpDir, name));
      removed++;
    }
    for (const name of readdirSync(this.bodiesDir)) {
      if (referenced.has(name)) continue;
      unlinkSync(join(this.bodiesDir, name));
      removed++;
    }
    return removed;
  }
}
