import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

describe('the registered commands of cmd/index.ts', () => {
  it('are subcommands with options from their schemas', async () => {
    const help = await runCli(['http-check', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout.toString()).toMatch(/--url <value> +The URL to GET \(required\)/);
    expect(help.stdout.toString()).toMatch(/--interval-ms <integer> +Pause between tries, in ms \(default: 1000\)/);
  });

  it('run locally by default, output to stdout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aws-exec-cli-listdir-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'file.txt'), 'x');
    writeFileSync(join(dir, 'sub', 'inner.txt'), 'y');
    const result = await runCli(['listdir', '--path', dir]);
    expect(result).toMatchObject({ status: 0, stderr: '' });
    const lines = result.stdout.toString().split('\n');
    expect(lines).toContain(join(dir, 'file.txt'));
    expect(lines).toContain(join(dir, 'sub', 'inner.txt'));
  });

  it('exit 1 with the command message when they fail', async () => {
    const result = await runCli(['listdir', '--path', '/nonexistent-aws-exec']);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('aws-exec: listdir failed: Expected a readable directory, got `/nonexistent-aws-exec` (ENOENT)\n');
  });

  it('refuse arguments that fail the schema, naming the flag, with exit status 2', async () => {
    const result = await runCli(['http-check', '--url', 'ftp://x']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('aws-exec: Invalid arguments for http-check: --url: Expected an http(s) URL\n');
  });

  it('refuse a misspelled key in --args, naming it, with exit status 2', async () => {
    const result = await runCli(['listdir', '--args', '{"pth": "cmd"}']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('aws-exec: Invalid arguments for listdir: Unexpected key `pth` in --args (not among the known ones: check the spelling)\n');
  });

  it('offer the choices of a discriminated union as one option (db-copy --mode)', async () => {
    const help = (await runCli(['db-copy', '--help'])).stdout.toString();
    expect(help).toMatch(/--mode <value> +identical: copy everything as it is; masked: /);
    expect(help).toMatch(/\(default: "identical"\)\s+\(choices: "identical",\s+"masked", "subset"\)/);
    expect(help).toMatch(/--source <value> +Source: .* \(required\)/s);
  });
});
