import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { VersionResponse } from '../protocol/index.js';

const PackageJson = z.object({ name: z.string(), version: z.string() });

/**
 * The name and version from the nearest package.json above this module (the repo's when
 * run from source or dist/, the image's when bundled with one); a placeholder otherwise.
 */
export function readPackageVersion(from: string = import.meta.url): VersionResponse {
  let dir = dirname(fileURLToPath(from));
  for (let depth = 0; depth < 6; depth++) {
    try {
      const parsed = PackageJson.safeParse(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')));
      if (parsed.success) return parsed.data;
    } catch {
      // no package.json here: look further up
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return { name: 'aws-exec', version: '0.0.0-unknown' };
}
