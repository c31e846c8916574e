import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const clientDir = join(import.meta.dirname, '../../client');

describe('client/ in the browser', () => {
  it('imports nothing but its own files, the protocol and zod, and no Node globals', () => {
    const files = readdirSync(clientDir).filter((name) => name.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(5);
    for (const name of files) {
      const source = readFileSync(join(clientDir, name), 'utf8');
      for (const [, specifier] of source.matchAll(/from '([^']+)'/g)) {
        expect(specifier, `${name} imports ${specifier}`).toMatch(/^(\.\/[\w-]+\.js|\.\.\/protocol\/index\.js|zod)$/);
      }
      const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
      expect(code, `${name} uses a Node global`).not.toMatch(/\b(Buffer|process|require)\b[.(]/);
    }
  });
});
