import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findChanges, hashInputs } from '../../scripts/build-if-stale.js';

const root = mkdtempSync(join(tmpdir(), 'aws-exec-build-inputs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('npm start builds only when a source changed', () => {
  it('finds no change when files were only touched, and names each file added, edited or removed', () => {
    mkdirSync(join(root, 'cli'));
    mkdirSync(join(root, 'frontend', 'node_modules'), { recursive: true });
    writeFileSync(join(root, 'cli', 'main.ts'), 'one');
    writeFileSync(join(root, 'package.json'), '{}');
    writeFileSync(join(root, 'frontend', 'node_modules', 'ignored.js'), 'x');
    writeFileSync(join(root, 'notes.txt'), 'not an input');
    const recorded = hashInputs(root);
    expect(Object.keys(recorded).sort()).toEqual(['cli/main.ts', 'package.json']);
    expect(findChanges(recorded, undefined)).toBeUndefined();

    utimesSync(join(root, 'cli', 'main.ts'), new Date(), new Date());
    expect(findChanges(hashInputs(root), recorded)).toEqual([]);
    writeFileSync(join(root, 'cli', 'main.ts'), 'two');
    writeFileSync(join(root, 'cli', 'new.ts'), 'new');
    rmSync(join(root, 'package.json'));
    expect(findChanges(hashInputs(root), recorded)).toEqual(['cli/main.ts', 'cli/new.ts', 'package.json']);
  });
});
