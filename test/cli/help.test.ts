import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

describe('aws-exec --help and usage errors', () => {
  it('prints the commands, examples and configuration with --help and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result.status).toBe(0);
    const help = result.stdout.toString();
    for (const name of ['exec', 'rpc', 'tail', 'cancel', 'wait', 'ls', 'auth', 'serve']) expect(help).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    expect(help).toContain('Examples:');
    expect(help).toContain('PROJECT_URL (or PROJECT_DOMAIN) + AUTH');
  });

  it.each([['exec'], ['rpc'], ['tail'], ['cancel'], ['wait'], ['ls'], ['auth'], ['auth', 'new'], ['auth', 'ls'], ['auth', 'rm'], ['auth', 'webhook-secret'], ['serve']])(
    'shows examples in `%s --help`',
    async (...command) => {
      const result = await runCli([...command, '--help']);
      expect(result.status).toBe(0);
      expect(result.stdout.toString()).toMatch(/Examples?:\n {2}\$ .*aws-exec/);
    },
  );

  it('refuses an unknown subcommand with a clear message and exit status 2', async () => {
    const result = await runCli(['exce', '--', 'ls']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("error: unknown command 'exce'");
    expect(result.stderr).toContain('Did you mean exec?');
  });

  it('refuses an unknown option with exit status 2', async () => {
    const result = await runCli(['ls', '--bogus']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("error: unknown option '--bogus'");
  });

  it('refuses a missing argument and a malformed number with exit status 2', async () => {
    const missing = await runCli(['tail']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("error: missing required argument 'uid'");
    const malformed = await runCli(['ls', '--limit', 'ten']);
    expect(malformed.status).toBe(2);
    expect(malformed.stderr).toContain('Expected an integer from 1 to 1000, got `ten`');
  });

  it('exits 2 without a subcommand, showing the usage', async () => {
    const result = await runCli([]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Usage: aws-exec');
  });
});

describe('aws-exec writing into a closed pipe', () => {
  it('ends quietly with status 141 (as SIGPIPE would) when its reader goes away', async () => {
    const { spawn } = await import('node:child_process');
    const { join } = await import('node:path');
    const repo = join(import.meta.dirname, '../..');
    const child = spawn(process.execPath, ['--import', join(repo, 'node_modules/tsx/dist/loader.mjs'), join(repo, 'cli/main.ts'), '--help'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const status = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    expect(status).toBe(141);
    expect(stderr).not.toMatch(/EPIPE|at /);
  });
});
