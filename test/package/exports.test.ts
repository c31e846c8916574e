import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

// `npm test` builds dist/ before vitest runs, so the paths users import are checked as shipped.
const root = resolve(import.meta.dirname, '../..');
const exportsMap = (JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { exports: Record<string, string> }).exports;

/** A name each entry point must export (what its README or the project README tells users to import). */
const EXPECTED: Record<string, string> = {
  '.': 'createClient',
  './client': 'createClient',
  './protocol': 'jobKeys',
  './cmd': 'defineCommand',
  './local': 'startRuntime',
};

describe('package.json exports', () => {
  it('lists exactly the entry points checked here', () => {
    expect(Object.keys(exportsMap).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [entry, name] of Object.entries(EXPECTED)) {
    it(`${entry} points at a built module that exports ${name}`, async () => {
      const target = exportsMap[entry];
      expect(target, `exports["${entry}"]`).toBeDefined();
      const file = resolve(root, target ?? '');
      expect(existsSync(file), `${target} exists after the build`).toBe(true);
      const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      expect(typeof module[name]).toBe('function');
    });
  }
});
