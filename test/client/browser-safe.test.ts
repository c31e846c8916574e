import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const clientDir = join(import.meta.dirname, '../../client');
const protocolDir = join(import.meta.dirname, '../../protocol');

/** The import specifiers of each .ts file in a folder. */
function readImports(dir: string): { name: string; source: string; specifiers: string[] }[] {
  const files = readdirSync(dir).filter((name) => name.endsWith('.ts'));
  return files.map((name) => {
    const source = readFileSync(join(dir, name), 'utf8');
    return { name, source, specifiers: [...source.matchAll(/from '([^']+)'/g)].map((match) => match[1] ?? '') };
  });
}

describe('client/ in the browser', () => {
  it('imports nothing but its own files, the protocol and zod/mini, and no Node globals', () => {
    const files = readImports(clientDir);
    expect(files.length).toBeGreaterThan(5);
    for (const { name, source, specifiers } of files) {
      for (const specifier of specifiers) {
        expect(specifier, `${name} imports ${specifier}`).toMatch(/^(\.\/[\w-]+\.js|\.\.\/protocol\/index\.js|zod\/mini)$/);
      }
      const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
      expect(code, `${name} uses a Node global`).not.toMatch(/\b(Buffer|process|require)\b[.(]/);
    }
  });

  it('builds its schemas and those of protocol/ with zod/mini only (classic zod cannot be tree-shaken)', () => {
    for (const { name, specifiers } of readImports(protocolDir)) {
      for (const specifier of specifiers) {
        expect(specifier, `protocol/${name} imports ${specifier}`).toMatch(/^(\.\/[\w-]+\.js|zod\/mini)$/);
      }
    }
  });
});
