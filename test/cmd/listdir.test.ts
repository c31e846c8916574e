import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listdir, registry } from '../../cmd/index.js';
import { createUnconfinedReach } from '../../cmd/reach.js';

async function runListdir(input: unknown): Promise<{ output: string; exit: number | void }> {
  const args = listdir.args.parse(input);
  let output = '';
  const exit = await listdir.run(args, { log: (chunk) => (output += String(chunk)), signal: new AbortController().signal, cwd: '/', reach: createUnconfinedReach() });
  return { output, exit };
}

describe('listdir', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'listdir-'));
    writeFileSync(join(dir, 'b.txt'), 'b');
    writeFileSync(join(dir, 'a.txt'), 'a');
    mkdirSync(join(dir, 'sub', 'deeper'), { recursive: true });
    writeFileSync(join(dir, 'sub', 'c.txt'), 'c');
    writeFileSync(join(dir, 'sub', 'deeper', 'd.txt'), 'd');
    writeFileSync(join(dir, '.hidden'), 'h');
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, '.git', 'config'), 'g');
    mkdirSync(join(dir, 'empty'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the files under the directory recursively, sorted, one path per line, hidden ones skipped', async () => {
    const expected = ['a.txt', 'b.txt', 'sub/c.txt', 'sub/deeper/d.txt'].map((path) => `${join(dir, path)}\n`).join('');
    expect(await runListdir({ path: dir })).toEqual({ output: expected, exit: undefined });
  });

  it('stops walking when its signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    let output = '';
    await listdir.run({ path: dir }, { log: (chunk) => (output += String(chunk)), signal: controller.signal, cwd: '/', reach: createUnconfinedReach() });
    expect(output).toBe('');
  });

  it('lists the current directory when no path is given', async () => {
    expect(listdir.args.parse({})).toEqual({ path: '.' });
  });

  it('prints nothing for an empty directory', async () => {
    expect((await runListdir({ path: join(dir, 'empty') })).output).toBe('');
  });

  it('throws a message naming the path when it is not a directory', async () => {
    await expect(runListdir({ path: join(dir, 'missing') })).rejects.toThrow(/Expected a readable directory, got `.*missing` \(ENOENT\)/);
  });

  it('reads a relative path from its working directory, printing the paths as given', async () => {
    let output = '';
    await listdir.run({ path: 'sub' }, { log: (chunk) => (output += String(chunk)), signal: new AbortController().signal, cwd: dir, reach: createUnconfinedReach() });
    expect(output).toBe(`${join('sub', 'c.txt')}\n${join('sub', 'deeper', 'd.txt')}\n`);
  });

  it('names the working directory when a relative path is not there', async () => {
    const failed = listdir.run({ path: 'cmd' }, { log: () => undefined, signal: new AbortController().signal, cwd: dir, reach: createUnconfinedReach() });
    await expect(failed).rejects.toThrow(`Expected a readable directory, got \`cmd\` (ENOENT; relative to the working directory ${dir})`);
  });

  it('refuses a path that is not a string', () => {
    const result = listdir.args.safeParse({ path: 42 });
    expect(result.success).toBe(false);
  });

  it('is registered under its name', () => {
    expect(registry.find('listdir')).toBe(listdir);
  });
});
