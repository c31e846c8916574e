import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The built web page, from `dist/frontend/index.html`: found from the compiled module
// (dist/backend/http/) and from the TypeScript source (backend/http/, under tsx or vitest).
const CANDIDATES = ['../../frontend/index.html', '../../dist/frontend/index.html'];

/**
 * Returns the HTML of the built web page, or undefined when it has not been built.
 *
 * This module is the page's only source: the Lambda bundle (esbuild) replaces it with a
 * module whose `loadPageHtml()` returns the page inlined at bundle time, so keep it to
 * this one export with this signature.
 */
export function loadPageHtml(): string | undefined {
  for (const candidate of CANDIDATES) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) return readFileSync(path, 'utf8');
  }
  return undefined;
}
