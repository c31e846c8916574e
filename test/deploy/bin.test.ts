import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/runtime.js';

const BIN = join(REPO, 'bin');
const SCRIPTS = readdirSync(BIN).filter((name) => name.endsWith('.sh') && name !== 'lib.sh').sort();
// The tools each script needs before it does anything (the ones it names when missing).
const NEEDS: Record<string, string[]> = {
  'check.sh': ['npm', 'node'],
  'cli.sh': ['node', 'npm'],
  'delete.sh': ['libaws', 'aws'],
  'dev.sh': ['npm', 'node'],
  'ensure.sh': ['libaws', 'docker', 'aws'],
  'logs.sh': ['libaws'],
  'preview.sh': ['libaws', 'aws'],
};

/** A PATH holding only what the scripts use to start (bash and coreutils), none of the tools they check for. */
const barePath = mkdtempSync(join(tmpdir(), 'aws-exec-bare-path-'));
for (const tool of ['bash', 'dirname', 'basename', 'env']) {
  const found = spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
  symlinkSync(found, join(barePath, tool));
}
afterAll(() => rmSync(barePath, { recursive: true, force: true }));

const run = (script: string, args: string[], path = process.env.PATH ?? '') =>
  spawnSync('bash', [join(BIN, script), ...args], { cwd: REPO, env: { PATH: path, HOME: tmpdir() }, encoding: 'utf8', timeout: 20_000 });

describe('the bin/ scripts', () => {
  it('are the seven the README names', () => {
    expect(SCRIPTS).toEqual(['check.sh', 'cli.sh', 'delete.sh', 'dev.sh', 'ensure.sh', 'logs.sh', 'preview.sh']);
  });

  it('parse (bash -n) and are shellcheck clean', () => {
    for (const script of [...SCRIPTS, 'lib.sh']) {
      const parsed = spawnSync('bash', ['-n', join(BIN, script)], { encoding: 'utf8' });
      expect(parsed.stderr, script).toBe('');
      expect(parsed.status, script).toBe(0);
    }
    const checked = spawnSync('shellcheck', ['-x', ...[...SCRIPTS, 'lib.sh'].map((script) => join('bin', script))], { cwd: REPO, encoding: 'utf8' });
    expect(checked.error, 'shellcheck must be installed (Debian package shellcheck)').toBeUndefined();
    expect(checked.stdout + checked.stderr).toBe('');
    expect(checked.status).toBe(0);
  });

  it('start with set -euo pipefail and declare a usage line', () => {
    for (const script of SCRIPTS) {
      const text = readFileSync(join(BIN, script), 'utf8');
      expect(text.startsWith('#!/usr/bin/env bash\n'), script).toBe(true);
      const commands = text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
      expect(commands[0], script).toBe('set -euo pipefail');
      expect(text, script).toContain(`USAGE='usage: bash bin/${script}`);
    }
  });

  it('print their usage on -h and exit 0 (cli.sh: with no arguments, exit 2)', () => {
    for (const script of SCRIPTS.filter((name) => name !== 'cli.sh')) {
      const result = run(script, ['-h'], barePath);
      expect(result.stdout, script).toMatch(new RegExp(`^usage: bash bin/${script}`));
      expect(result.status, script).toBe(0);
    }
    const cli = run('cli.sh', [], barePath);
    expect(cli.stderr).toMatch(/^usage: bash bin\/cli\.sh COMMAND/);
    expect(cli.status).toBe(2);
  });

  it('name every missing tool and where to get it, and exit 127 before doing anything', () => {
    for (const script of SCRIPTS) {
      const result = run(script, script === 'cli.sh' ? ['ls'] : [], barePath);
      expect(result.status, `${script}: ${result.stderr}`).toBe(127);
      for (const tool of NEEDS[script] ?? []) expect(result.stderr, script).toContain(`${script} needs ${tool}, which is not on PATH: `);
    }
  });

  it('say how to make env.sh when it is missing', () => {
    // logs.sh copied into a checkout of its own (no env.sh), with a stand-in libaws on PATH,
    // gets past the tool check to env.sh.
    const checkout = mkdtempSync(join(tmpdir(), 'aws-exec-checkout-'));
    try {
      mkdirSync(join(checkout, 'bin'));
      for (const file of ['lib.sh', 'logs.sh']) copyFileSync(join(BIN, file), join(checkout, 'bin', file));
      symlinkSync('/bin/true', join(checkout, 'libaws'));
      const result = spawnSync('bash', [join(checkout, 'bin/logs.sh')], { env: { PATH: `${checkout}:${barePath}` }, encoding: 'utf8' });
      expect(result.stderr).toBe(`logs.sh needs ${realpathSync(checkout)}/env.sh: cp env.sh.template env.sh, then set its values\n`);
      expect(result.status).toBe(2);
    } finally {
      rmSync(checkout, { recursive: true, force: true });
    }
  });
});
