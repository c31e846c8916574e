import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The files a deployment is read from. */
export interface InfraFiles {
  /** libaws's infrastructure file. */
  infraFile: string;
  /** The bash file of `export VAR=...` lines that gives infra.yaml's `${VAR}`s their values. */
  envTemplate: string;
}

/**
 * `infra.yaml` and `env.sh.template` of this package (the repository root, next to `dist/`),
 * unless given: an explicit infra file brings the `env.sh.template` beside it.
 */
export function defaultInfraFiles(infraFile?: string, envTemplate?: string): InfraFiles {
  const infra = infraFile === undefined ? join(findPackageRoot(), 'infra.yaml') : resolve(infraFile);
  return { infraFile: infra, envTemplate: envTemplate === undefined ? join(dirname(infra), 'env.sh.template') : resolve(envTemplate) };
}

/** The nearest folder above this module that holds a package.json (the repository or the installed package). */
export function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Expected a package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}
