import { readPackageVersion } from '../backend/version.js';

/** The version of this aws-exec (its package.json's), for `--version`. */
export function readCliVersion(): string {
  return readPackageVersion(import.meta.url).version;
}
