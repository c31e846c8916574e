import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { defineCommand } from './define.js';

/**
 * Lists the files under a directory, recursively, one path per line in lexical order,
 * skipping hidden entries (as the original's listdir, a walk printing every non-hidden
 * file). Paths start with the given directory, as `find DIR -type f` prints them. Output
 * goes out a directory at a time; the walk stops when the job is cancelled.
 */
export const listdir = defineCommand({
  name: 'listdir',
  describe: 'List the files under a directory, recursively, one path per line (hidden entries skipped)',
  // The directory is checked with context.reach; the walk follows no symbolic link out of it.
  confined: true,
  args: z.strictObject({
    path: z.string().min(1, { error: 'Expected a non-empty path' }).default('.').describe('The directory to list'),
  }),
  async run(args, { log, signal, cwd, reach }) {
    const absolute = await reach.checkPath(resolve(cwd, args.path));
    let entries;
    try {
      entries = await readdir(absolute, { withFileTypes: true });
    } catch (error) {
      const code = error instanceof Error && 'code' in error ? String(error.code) : 'error';
      const base = isAbsolute(args.path) ? '' : `; relative to the working directory ${cwd}`;
      throw new Error(`Expected a readable directory, got \`${args.path}\` (${code}${base})`, { cause: error });
    }
    // Paths are printed as given (`cmd/x.ts` for `cmd`), read from where they resolve.
    await walk(args.path, absolute, entries, log, signal);
  },
});

type Entries = Dirent[];

async function walk(dir: string, absolute: string, entries: Entries, log: (text: string) => void, signal: AbortSignal): Promise<void> {
  const visible = entries.filter((entry) => !entry.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let files = '';
  for (const entry of visible) {
    if (signal.aborted) return;
    const path = join(dir, entry.name);
    if (!entry.isDirectory()) {
      files += `${path}\n`;
      continue;
    }
    if (files) log(files);
    files = '';
    // Unreadable subdirectories are skipped, as the original's walk does.
    const children = await readdir(join(absolute, entry.name), { withFileTypes: true }).catch(() => undefined);
    if (children) await walk(path, join(absolute, entry.name), children, log, signal);
  }
  if (files) log(files);
}
