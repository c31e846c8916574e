#!/usr/bin/env node
// The `aws-exec` command. Everything it touches of the process is gathered here.
import { writeTo } from './context.js';
import { readAwsOnlyArgs, serveAwsOnly } from './serve-aws-only.js';
import { isServeArgv } from './serve-argv.js';

// The AWS SDK's notice that its future releases need Node 22 is for this package's
// maintainers; users of the command (auth, serve) would only see it as noise on stderr.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// A reader that goes away (`aws-exec exec -- ... | head`) ends us quietly, as SIGPIPE
// ends a Unix tool (128 + 13); the job itself is left running and can be tailed again.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(141);
    throw error;
  });
}

const argv = process.argv.slice(2);
// `aws-exec serve --aws-only` runs the AWS endpoint without loading the rest of the CLI: the
// registered commands' schemas and the client (zod and the rest) would hold about 15 MB the
// idle endpoint has no room for (README, "Memory"). Any other argv, help or a bad value
// included, goes through the full CLI, whose `serve --aws-only` calls the same serveAwsOnly.
const awsOnly = readAwsOnlyArgs(argv, { env: process.env, cwd: process.cwd() });
const status = awsOnly ? await serveAwsOnly({ stdout: process.stdout, stderr: process.stderr, signals: process }, awsOnly) : await runFullCli(argv);
// Wait until stdout and stderr have taken everything, then leave even if a command left timers or sockets behind.
await Promise.all([writeTo(process.stdout, ''), writeTo(process.stderr, '')]);
process.exit(status);

async function runFullCli(args: string[]): Promise<number> {
  const context = { env: process.env, cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, signals: process };
  // `serve` runs for days: it loads its own command alone, not the client and the registered
  // commands (pg for db-copy, their schemas) the other commands need (README, "Memory").
  if (isServeArgv(args)) return (await import('./serve-cli.js')).runServeCli(context, args);
  const [{ runCli }, { registry }] = await Promise.all([import('./program.js'), import('../cmd/index.js')]);
  return runCli({ ...context, registry }, args);
}
