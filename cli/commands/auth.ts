import type { Command } from 'commander';
import type * as AdminModule from '../../backend/auth/admin.js';
import type { AuthAdminDeps } from '../../backend/auth/admin.js';
import { resolveAdminConfig } from '../config.js';
import type { AdminConfig } from '../config.js';
import type { CliContext } from '../context.js';
import { say, writeTo } from '../context.js';
import { EXIT_FAILURE, UsageError } from '../errors.js';

/** `aws-exec auth new|ls|rm`: manages auth keys in the table directly (admin operations). */
export function addAuthCommand(program: Command, context: CliContext, run: (work: () => Promise<number>) => Promise<void>): void {
  const auth = program
    .command('auth')
    .summary('create, list and remove auth keys (talks to the DynamoDB table directly)')
    .description(
      'Manages auth keys. These talk to the DynamoDB table directly with your AWS credentials (PROJECT_TABLE or PROJECT_NAME and the standard AWS settings), or to the local runtime.',
    )
    .addHelpText('after', '\nExamples:\n  $ aws-exec auth new alice        # prints the new key once\n  $ aws-exec auth ls\n  $ aws-exec auth rm alice');

  auth
    .command('new')
    .summary('create a key for a new name and print it (shown once)')
    .argument('<name>', "the key's name: 1-64 letters, digits, '.', '_' or '-'")
    .addHelpText('after', '\nExample:\n  $ export AUTH=$(aws-exec auth new alice)')
    .action(async (name: string, _options: unknown, self: Command) => {
      await run(() =>
        withAdmin(context, self, async (admin, deps) => {
          const created = await admin.createAuthKey(deps, name);
          await writeTo(context.stdout, `${created.key}\n`);
          say(context, `Created the auth key of ${created.name}; it is shown only once.`);
          return 0;
        }),
      );
    });

  auth
    .command('ls')
    .summary('list the names that have a key')
    .option('--json', 'print the names as JSON: [{"name","created-at"}]')
    .addHelpText('after', '\nExamples:\n  $ aws-exec auth ls\n  $ aws-exec auth ls --json')
    .action(async (options: { json?: boolean }, self: Command) => {
      await run(() =>
        withAdmin(context, self, async (admin, deps) => {
          const names = await admin.listAuthNames(deps);
          if (options.json) {
            await writeTo(context.stdout, `${JSON.stringify(names.map((entry) => ({ name: entry.name, 'created-at': entry.createdAt })), null, 2)}\n`);
            return 0;
          }
          const width = Math.max(4, ...names.map((entry) => entry.name.length));
          const lines = names.map((entry) => `${entry.name.padEnd(width)}  ${new Date(entry.createdAt).toISOString()}`);
          await writeTo(context.stdout, names.length === 0 ? 'no auth keys\n' : `${'NAME'.padEnd(width)}  CREATED\n${lines.join('\n')}\n`);
          return 0;
        }),
      );
    });

  auth
    .command('rm')
    .summary('remove the key of a name (its requests are refused from then on)')
    .argument('<name>', 'the name whose key to remove')
    .addHelpText('after', '\nExample:\n  $ aws-exec auth rm alice')
    .action(async (name: string, _options: unknown, self: Command) => {
      await run(() =>
        withAdmin(context, self, async (admin, deps) => {
          if (!(await admin.removeAuthKey(deps, name))) {
            say(context, `aws-exec: no auth key named \`${name}\``);
            return EXIT_FAILURE;
          }
          await writeTo(context.stdout, `removed ${name}\n`);
          return 0;
        }),
      );
    });
}

/** Runs an admin operation with a DynamoDB client for the configured table, closing it after. */
async function withAdmin(context: CliContext, self: Command, work: (admin: typeof AdminModule, deps: AuthAdminDeps) => Promise<number>): Promise<number> {
  const config = resolveAdminConfig({ env: context.env, cwd: context.cwd, dataDir: self.optsWithGlobals<{ dataDir?: string }>().dataDir });
  // Loaded on demand: the AWS SDK is heavy and only these commands need it.
  const [admin, { DynamoDBClient }, { DynamoDBDocumentClient }] = await Promise.all([
    import('../../backend/auth/admin.js'),
    import('@aws-sdk/client-dynamodb'),
    import('@aws-sdk/lib-dynamodb'),
  ]);
  const client = new DynamoDBClient(clientConfig(config));
  try {
    return await work(admin, { ddb: DynamoDBDocumentClient.from(client), table: config.table });
  } catch (error) {
    if ((error as { status?: unknown }).status === 400) throw new UsageError((error as Error).message, { cause: error });
    throw error;
  } finally {
    client.destroy();
  }
}

function clientConfig(config: AdminConfig) {
  if (config.aws === undefined) return {};
  return { endpoint: config.aws.endpoint, region: config.aws.region, credentials: config.aws.credentials, maxAttempts: 2 };
}
