import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProgram } from '../../cli/program.js';
import { CLI, REPO, startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { createTestContext } from '../cli/run-cli.js';
import { registry } from '../../cmd/index.js';
import { findCliCommands, readCodeBlocks, type CodeBlock } from './blocks.js';

// Every example of README.md works as written: the tour's shell blocks run against a fresh
// local runtime, from a directory laid out as the checkout (`.aws-exec/` and `cmd/`), with
// `npx aws-exec` reaching this checkout's built CLI; every TypeScript block type-checks with
// `--strict` against the built package (`import ... from 'aws-exec'`) and the tour's runs;
// every shell block parses, and each `aws-exec` command in them names a subcommand and
// flags the CLI has (those that need PostgreSQL or AWS are checked, not run).

const README = readFileSync(join(REPO, 'README.md'), 'utf8');
const blocks = readCodeBlocks(README);
const shellBlocks = blocks.filter((block) => block.lang === 'bash' || block.lang === 'sh');
const tsBlocks = blocks.filter((block) => block.lang === 'ts' || block.lang === 'typescript');
const TOUR = 'A five-minute tour';
const SCRATCH = join(REPO, '.scratch', 'readme');

let runtime: TestRuntime;
let checkout: string;

beforeAll(async () => {
  checkout = mkdtempSync(join(tmpdir(), 'aws-exec-readme-'));
  runtime = await startTestRuntime({ cwd: checkout });
  symlinkSync(runtime.dataDir, join(checkout, '.aws-exec'));
  symlinkSync(join(REPO, 'cmd'), join(checkout, 'cmd'));
  mkdirSync(join(checkout, 'bin'));
  // `npx aws-exec` in the checkout runs the package's own bin: here, the same built CLI.
  writeFileSync(
    join(checkout, 'bin', 'npx'),
    `#!/bin/sh\nif [ "$1" = aws-exec ]; then shift; exec "${process.execPath}" "${CLI}" "$@"; fi\necho "the README test's npx runs only aws-exec, not $1" >&2\nexit 127\n`,
  );
  chmodSync(join(checkout, 'bin', 'npx'), 0o755);
  mkdirSync(SCRATCH, { recursive: true });
}, 120_000);

afterAll(async () => {
  await runtime?.dispose();
  if (checkout) rmSync(checkout, { recursive: true, force: true });
});

/** Runs a shell block in the checkout with bash, as a reader pasting it would; resolves with its output. */
function runShell(block: CodeBlock): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${join(checkout, 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}` };
  for (const name of ['PROJECT_URL', 'PROJECT_DOMAIN', 'AUTH', 'AWS_EXEC_DATA_DIR']) delete env[name];
  return new Promise((resolve) => {
    const child = spawn('bash', ['--norc', '--noprofile', '-c', block.code], { cwd: checkout, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const where = (block: CodeBlock) => `README.md line ${block.line} (${block.section})`;

describe("README.md's examples", () => {
  it('has the blocks this test runs', () => {
    expect(shellBlocks.filter((block) => block.section === TOUR)).toHaveLength(2);
    expect(tsBlocks.filter((block) => block.section === TOUR)).toHaveLength(1);
  });

  it("runs the tour's CLI block against a fresh runtime, each command doing what its comment says", async () => {
    const [cli] = shellBlocks.filter((block) => block.section === TOUR);
    const result = await runShell(cli as CodeBlock);
    expect(result.stderr, where(cli as CodeBlock)).not.toMatch(/^aws-exec: /m);
    const out = result.stdout;
    expect(out).toMatch(/^hello\noops\nexit 3\n1\n2\n3\n2\n3\n\d{4}-\d\d-\d\dT[\d:.]+Z 3\n/); // a job's stdout and stderr are one log
    expect(out).toMatch(/^status +exited, exit 0$/m);
    expect(out).toMatch(/^page +http:\/\/127\.0\.0\.1:\d+\/#\/job\/\d{10}\./m);
    expect(out.match(/^exit \d+$/gm)).toEqual(['exit 3', 'exit 124']);
    expect(out).toMatch(/^UID +STATUS +EXIT +AGE +COMMAND$/m);
    expect(out.match(/^cmd\/listdir\.ts$/gm)).toHaveLength(3); // here, as a job, and by rpc
    expect(out).toMatch(/\n[0-9a-f]{64}\n$/); // alice's key
    expect(result.stderr).toMatch(/^job \d{10}\.[0-9a-f-]{36} · http:\/\/127\.0\.0\.1:\d+\/#\/job\//m);
  }, 120_000);

  it("runs the tour's curl block: start, the log's URL, the log, the exit code", async () => {
    const [, curl] = shellBlocks.filter((block) => block.section === TOUR);
    const result = await runShell(curl as CodeBlock);
    expect(result.stderr, where(curl as CodeBlock)).toBe('');
    expect(result.stdout).toBe('hi\n{"exit":3}');
  }, 60_000);

  it('type-checks every TypeScript block with --strict against the built package, and runs the tour\'s', async () => {
    const files = tsBlocks.map((block) => {
      const file = join(SCRATCH, `readme-line-${block.line}.ts`);
      writeFileSync(file, block.code);
      return file;
    });
    const tsc = spawnSync(
      process.execPath,
      [join(REPO, 'node_modules/typescript/bin/tsc'), '--ignoreConfig', '--noEmit', '--strict', '--noUncheckedIndexedAccess', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--types', 'node', '--skipLibCheck', ...files],
      { cwd: REPO, encoding: 'utf8' },
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    const tour = tsBlocks.find((block) => block.section === TOUR) as CodeBlock;
    const tsx = join(REPO, 'node_modules/tsx/dist/loader.mjs');
    const ran = spawnSync(process.execPath, ['--import', tsx, join(SCRATCH, `readme-line-${tour.line}.ts`)], { cwd: checkout, encoding: 'utf8' });
    expect(ran.stderr, where(tour)).toBe('');
    expect(ran.stdout).toMatch(/^hi\nexit 3\n(cmd\/.*\n)+exit 0\n$/);
    expect(ran.stdout).toContain('cmd/listdir.ts\n');
  }, 120_000);

  it('parses every shell block, and each aws-exec command in them names a subcommand and flags the CLI has', () => {
    const { context } = createTestContext(registry);
    const program = createProgram(context, () => undefined);
    const problems: string[] = [];
    let checked = 0;
    for (const block of shellBlocks) {
      const syntax = spawnSync('bash', ['-n'], { input: block.code, encoding: 'utf8' });
      if (syntax.status !== 0) problems.push(`${where(block)}: ${syntax.stderr.trim()}`);
      for (const words of findCliCommands(block.code)) {
        checked++;
        const problem = checkCliWords(program, words);
        if (problem) problems.push(`${where(block)}: \`aws-exec ${words.join(' ')}\`: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(19);
    // …and the check itself refuses what the CLI would.
    expect(findCliCommands("x=$(npx aws-exec tail \"$JOB\" --lnes 1) # npx aws-exec nope\nnpm start -- --prot 1")).toEqual([['tail', '$JOB', '--lnes', '1'], ['serve', '--prot', '1']]);
    expect(checkCliWords(program, ['tail', 'UID', '--lnes', '1'])).toBe('no flag --lnes on tail');
    expect(checkCliWords(program, ['serve', '--prot', '1'])).toBe('no flag --prot on serve');
    expect(checkCliWords(program, ['tial'])).toBe('no subcommand tial');
  });
});

/** Why these words are not a command line the CLI accepts (an unknown subcommand or flag), or undefined. */
function checkCliWords(program: Command, words: string[]): string | undefined {
  let command = program;
  const known = (flag: string, within: Command) => within.options.some((option) => option.long === flag || option.short === flag || option.negate && option.long === flag);
  for (let index = 0; index < words.length; index++) {
    const word = words[index] as string;
    if (word === '--') return undefined;
    if (word.startsWith('-')) {
      const flag = word.split('=')[0] as string;
      if (flag === '--help' || flag === '-h' || known(flag, command) || known(flag, program)) continue;
      return `no flag ${flag} on ${command === program ? 'aws-exec' : command.name()}`;
    }
    const sub = command.commands.find((candidate) => candidate.name() === word);
    if (sub) command = sub;
    else if (command === program) return `no subcommand ${word}`;
  }
  return undefined;
}
