import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/program.js';
import { isServeArgv } from '../../cli/serve-argv.js';
import { runServeCli } from '../../cli/serve-cli.js';
import { createTestContext } from './run-cli.js';

describe('aws-exec serve through its own program', () => {
  it('takes argv for serve only when serve is the command, after --data-dir at most', () => {
    expect(isServeArgv(['serve'])).toBe(true);
    expect(isServeArgv(['serve', '--port', '0', '--verbose'])).toBe(true);
    expect(isServeArgv(['--data-dir', '/tmp/x', 'serve'])).toBe(true);
    expect(isServeArgv(['--data-dir=/tmp/x', 'serve', '--aws-only'])).toBe(true);
    expect(isServeArgv(['--data-dir', 'serve'])).toBe(false);
    expect(isServeArgv(['--help', 'serve'])).toBe(false);
    expect(isServeArgv(['help', 'serve'])).toBe(false);
    expect(isServeArgv(['exec', '--', 'serve'])).toBe(false);
    expect(isServeArgv([])).toBe(false);
  });

  it.each([[['serve', '--help']], [['--data-dir', '/tmp/x', 'serve', '--help']], [['serve', '--bogus']], [['serve', '--port', 'ten']], [['serve', 'extra']]])(
    'answers %j exactly as the full CLI does',
    async (argv) => {
      const full = createTestContext();
      const alone = createTestContext();
      const fullStatus = await runCli(full.context, argv);
      const aloneStatus = await runServeCli(alone.context, argv);
      expect(aloneStatus).toBe(fullStatus);
      expect(alone.stdout()).toBe(full.stdout());
      expect(alone.stderr()).toBe(full.stderr());
    },
  );

  it('refuses gateway options with --aws-only as a usage error (exit status 2), as the full CLI does', async () => {
    const alone = createTestContext();
    const status = await runServeCli(alone.context, ['serve', '--aws-only', '--port', '9000', '--aws-port', '0']);
    expect(status).toBe(2);
    expect(alone.stderr()).toBe('aws-exec: Expected no gateway or function options with --aws-only (it runs the AWS endpoint alone), got --port\n');
  });
});
