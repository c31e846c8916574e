import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineCommand } from '../../cmd/define.js';
import { CommandRegistry } from '../../cmd/registry.js';
import { runCli } from '../../cli/program.js';
import { playJob, startFakeServer } from '../client/fake-server.js';
import { createTestContext } from './run-cli.js';

const greet = defineCommand({
  name: 'greet',
  describe: 'Greets people',
  args: z.object({
    name: z.string().describe('Who to greet'),
    times: z.number().int().min(1).default(1).describe('How many times'),
    shout: z.boolean().optional().describe('Upper-case the greeting'),
    punctuation: z.boolean().default(true).describe('End with !'),
    language: z.enum(['en', 'fr']).default('en').describe('The language'),
    cc: z.array(z.string()).optional().describe('Also greet these'),
    weights: z.array(z.number()).optional(),
    maxWidth: z.number().optional(),
    extra: z.object({ note: z.string() }).optional(),
  }),
  run(args, { log }) {
    const word = args.language === 'fr' ? 'bonjour' : 'hello';
    for (const who of [args.name, ...(args.cc ?? [])]) {
      for (let i = 0; i < args.times; i++) {
        const line = `${word} ${who}${args.punctuation ? '!' : ''}`;
        log(`${args.shout ? line.toUpperCase() : line}\n`);
      }
    }
    if (args.extra) log(`note: ${args.extra.note}\n`);
    if (args.weights) log(`weights: ${args.weights.join(',')}\n`);
    if (args.maxWidth !== undefined) log(`width: ${args.maxWidth}\n`);
    return args.name === 'nobody' ? 4 : undefined;
  },
});

const fail = defineCommand({
  name: 'explode',
  describe: 'Always throws',
  args: z.object({}),
  run() {
    throw new Error('boom');
  },
});

const registry = new CommandRegistry([greet, fail]);

async function run(...argv: string[]) {
  const test = createTestContext(registry);
  const status = await runCli(test.context, argv);
  return { status, stdout: test.stdout(), stderr: test.stderr() };
}

describe('registered commands as subcommands', () => {
  it('lists each registered command in the program help', async () => {
    const result = await run('--help');
    expect(result.stdout).toMatch(/^ {2}greet \[options\] +Greets people \(registered command\)$/m);
    expect(result.stdout).toMatch(/^ {2}explode \[options\] +Always throws/m);
  });

  it('generates an option per schema property with its description, required mark and default', async () => {
    const { stdout, status } = await run('greet', '--help');
    expect(status).toBe(0);
    expect(stdout).toMatch(/--name <value> +Who to greet \(required\)/);
    expect(stdout).toMatch(/--times <integer> +How many times \(default: 1\)/);
    expect(stdout).toMatch(/--shout +Upper-case the greeting/);
    expect(stdout).toMatch(/--no-punctuation +Turn off --punctuation/);
    expect(stdout).toMatch(/--language <value> +The language \(default: "en"\) \(choices: "en", "fr"\)/);
    expect(stdout).toMatch(/--cc <value\.\.\.> +Also greet these/);
    expect(stdout).toMatch(/--weights <number\.\.\.>/);
    expect(stdout).toMatch(/--max-width <number>/);
    expect(stdout).not.toMatch(/--extra/);
    expect(stdout).toMatch(/--args <json>/);
    expect(stdout).toMatch(/--remote/);
    expect(stdout).toContain('Examples:\n  $ aws-exec greet --name');
  });

  it('runs the command in this process with the parsed options, output to stdout', async () => {
    const result = await run('greet', '--name', 'ada', '--times', '2', '--shout', '--no-punctuation', '--language', 'fr', '--cc', 'bob', '--max-width', '80');
    expect(result).toEqual({ status: 0, stdout: 'BONJOUR ADA\nBONJOUR ADA\nBONJOUR BOB\nBONJOUR BOB\nwidth: 80\n', stderr: '' });
  });

  it('accepts repeated and listed array values, numbers parsed', async () => {
    const result = await run('greet', '--name', 'a', '--cc', 'b', '--cc', 'c', '--weights', '1', '2.5');
    expect(result.stdout).toBe('hello a!\nhello b!\nhello c!\nweights: 1,2.5\n');
  });

  it('takes properties that cannot be options from --args, explicit options winning', async () => {
    const result = await run('greet', '--args', '{"name":"x","extra":{"note":"hi"}}', '--name', 'y');
    expect(result.stdout).toBe('hello y!\nnote: hi\n');
  });

  it('exits with the number the command returns', async () => {
    expect((await run('greet', '--name', 'nobody')).status).toBe(4);
  });

  it('exits 1 with the message when the command throws', async () => {
    expect(await run('explode')).toEqual({ status: 1, stdout: '', stderr: 'aws-exec: explode failed: boom\n' });
  });

  it('names the flag when the arguments fail the schema, exit status 2', async () => {
    const missing = await run('greet');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^aws-exec: Invalid arguments for greet: --name: .*expected string/);
    const tooFew = await run('greet', '--name', 'a', '--times', '0');
    expect(tooFew.stderr).toMatch(/--times: Too small: expected number to be >=1/);
  });

  it('refuses a bad number, a bad choice and bad --args JSON with exit status 2', async () => {
    const number = await run('greet', '--name', 'a', '--times', '1.5');
    expect(number.status).toBe(2);
    expect(number.stderr).toContain("option '--times <integer>' argument '1.5' is invalid. Expected an integer, got `1.5`.");
    const choice = await run('greet', '--name', 'a', '--language', 'de');
    expect(choice.status).toBe(2);
    expect(choice.stderr).toContain('Allowed choices are en, fr');
    const json = await run('greet', '--args', '[1]');
    expect(json).toMatchObject({ status: 2, stderr: 'aws-exec: Expected --args to be a JSON object, got `[1]`\n' });
  });

  it('refuses job options without --remote', async () => {
    const result = await run('greet', '--name', 'a', '--detach');
    expect(result).toMatchObject({ status: 2, stderr: 'aws-exec: Expected --detach, --timeout, --cancel-on-interrupt and --json only with --remote\n' });
  });

  it('aborts the command signal on Ctrl-C and exits with what it returns; a second Ctrl-C gives up with 130', async () => {
    const slow = defineCommand({
      name: 'sleepy',
      describe: 'Waits for its signal',
      args: z.object({}),
      run: (_args, { signal, log }) =>
        new Promise<number>((resolve) => {
          log('waiting\n');
          signal.addEventListener('abort', () => resolve(9));
        }),
    });
    const test = createTestContext(new CommandRegistry([slow]));
    const running = runCli(test.context, ['sleepy']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    test.signals.emit('SIGINT');
    expect(await running).toBe(9);
    expect(test.stdout()).toBe('waiting\n');
    expect(test.stderr()).toContain('Stopping sleepy… (Ctrl-C again to quit at once)');

    const stubborn = defineCommand({ name: 'stubborn', describe: 'Ignores its signal', args: z.object({}), run: () => new Promise<void>(() => {}) });
    const second = createTestContext(new CommandRegistry([stubborn]));
    const ignoring = runCli(second.context, ['stubborn']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    second.signals.emit('SIGINT');
    second.signals.emit('SIGINT');
    expect(await ignoring).toBe(130);
  });

  it('runs the command as a remote job with --remote, sending its arguments as rpc-args', async () => {
    const server = await startFakeServer();
    try {
      server.onStart = (job) => void playJob(server, job.uid, ['remote hello\n'], 6);
      const test = createTestContext(registry, { PROJECT_URL: server.url, AUTH: server.auth });
      const status = await runCli(test.context, ['greet', '--name', 'ada', '--times', '2', '--remote']);
      expect(status).toBe(6);
      expect(test.stdout()).toBe('remote hello\n');
      expect([...server.jobs.values()][0]?.request).toEqual({ 'rpc-name': 'greet', 'rpc-args': { name: 'ada', times: 2 } });
    } finally {
      await server.close();
    }
  });

  it('skips a registered command named like a built-in, with a warning', async () => {
    const clash = defineCommand({ name: 'ls', describe: 'clash', args: z.object({}), run: () => 0 });
    const test = createTestContext(new CommandRegistry([clash]));
    await runCli(test.context, ['--help']);
    expect(test.stderr()).toContain('the registered command `ls` has a built-in\'s name; run it with `aws-exec rpc ls`');
    expect(test.stdout()).toMatch(/^ {2}ls \[options\] +list your recent jobs/m);
  });
});
