import { readdir } from 'node:fs/promises';
import { z } from 'zod';
import { defineCommand } from './define.js';

/** Lists a directory's entries, one per line, sorted; directories end with `/` (as the original's listdir). */
export const listdir = defineCommand({
  name: 'listdir',
  describe: "List a directory's entries, one per line (directories end with /)",
  args: z.object({
    path: z.string().min(1, { error: 'Expected a non-empty path' }).default('.').describe('The directory to list'),
  }),
  async run(args, { log }) {
    let entries;
    try {
      entries = await readdir(args.path, { withFileTypes: true });
    } catch (error) {
      const code = error instanceof Error && 'code' in error ? String(error.code) : 'error';
      throw new Error(`Expected a readable directory, got \`${args.path}\` (${code})`, { cause: error });
    }
    const names = entries.map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name)).sort();
    if (names.length > 0) log(`${names.join('\n')}\n`);
  },
});
