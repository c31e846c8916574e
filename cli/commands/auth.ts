import type { Command } from 'commander';
import type * as AdminModule from '../../backend/auth/admin.js';
import type { AuthAdminDeps, AuthKeyInfo, NewKeyOptions } from '../../backend/auth/admin.js';
import { callApi } from '../../client/api.js';
import { resolveClientOptions } from '../../client/options.js';
import { PATHS, RevokedKeysResponse, parseDurationSeconds } from '../../protocol/index.js';
import { resolveAdminConfig, resolveApiConfig } from '../config.js';
import type { AdminConfig, ApiConfig } from '../config.js';
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
    .addHelpText('after', '\nExamples:\n  $ aws-exec auth new alice        # prints the new key once\n  $ aws-exec auth ls\n  $ aws-exec auth rm alice:0123456789abcdef');

  auth
    .command('new')
    .summary('create a key for a name and print it (shown once)')
    .description(
      "Creates a key, stored as the original Go aws-exec stores it (its BLAKE2b hash under `auth.<hash>`). A name may have several keys; each key's jobs are its own, filed under its auth-name `<name>:<16 hex of its hash>`. Without --scope a key has every right. A key with any limit (--scope, --expires, --as, --max-running) is stored so that the Go aws-exec backend refuses it, since it knows no limits.",
    )
    .argument('<name>', "the key's name: 1-64 letters, digits, '.', '_' or '-'")
    .option('--scope <scope...>', 'what it may do: `exec` (any job, command lines too), `rpc:NAME[,NAME...]` (those registered commands), `read` (follow and list jobs only); repeatable')
    .option('--expires <duration>', 'it stops working after this long: 90s, 15m, 12h, 30d, 2w')
    .option('--as <auth-name>', "act on another key's jobs (its auth-name, as `auth ls` shows it), e.g. a read key for alice's jobs")
    .option('--max-running <n>', 'its own cap on jobs queued or running at once (0: none), instead of KEY_MAX_RUNNING_JOBS')
    .addHelpText(
      'after',
      '\nExamples:\n  $ export AUTH=$(aws-exec auth new alice)\n  $ aws-exec auth new ci --scope rpc:db-copy --expires 30d\n  $ aws-exec auth new alice-view --scope read --as alice:0123456789abcdef',
    )
    .action(async (name: string, options: NewKeyFlags, self: Command) => {
      await run(() =>
        withAdmin(context, self, async (admin, deps) => {
          const created = await admin.createAuthKey(deps, name, { ...parseNewKeyFlags(options), registry: context.registry });
          await writeTo(context.stdout, `${created.key}\n`);
          say(context, `Created an auth key of ${created.name} (its jobs: ${created.authName}); it is shown only once.`);
          say(context, `Its webhook secret (verifies its jobs' notify webhooks; shown only once, rotate with \`auth webhook-secret\`): ${created.webhookSecret}`);
          return 0;
        }),
      );
    });

  auth
    .command('ls')
    .summary('list the keys: name, auth-name, scopes, expiry, creation time, hash')
    .description(
      'Lists every key of the table: those made by `auth new`, by the original Go aws-exec (no creation time) and by our releases before Go-form keys (HASH `sha256 (legacy)`, auth-name the bare name). AUTH-NAME is the folder of the key\'s jobs and what `auth rm` takes; SCOPES is `all` for a key with every right.',
    )
    .option('--json', 'print the keys as JSON: [{"name","auth-name","id","created-at","legacy","scopes","expires-at","max-running"}]')
    .addHelpText('after', '\nExamples:\n  $ aws-exec auth ls\n  $ aws-exec auth ls --json')
    .action(async (options: { json?: boolean }, self: Command) => {
      await run(() =>
        withAdmin(context, self, async (admin, deps) => {
          const keys = await admin.listAuthKeys(deps);
          if (options.json) {
            const rows = keys.map((key) => ({
              name: key.name,
              'auth-name': key.authName ?? null,
              id: key.id,
              'created-at': key.createdAt ?? null,
              legacy: key.legacy,
              scopes: key.scopes ?? null,
              'expires-at': key.expiresAt ?? null,
              'max-running': key.maxRunning ?? null,
            }));
            await writeTo(context.stdout, `${JSON.stringify(rows, null, 2)}\n`);
            return 0;
          }
          await writeTo(context.stdout, keys.length === 0 ? 'no auth keys\n' : formatKeyTable(keys, Date.now()));
          return 0;
        }),
      );
    });

  auth
    .command('rm')
    .summary('remove a key (refused at once by the API process told, within AUTH_CACHE_MS by the others)')
    .description(
      "Removes keys by auth-name as `auth ls` shows it (`alice:0123456789abcdef`), by id (`auth.<64 hex>` or the 64 hex, as the Go aws-exec's auth-rm takes it), or by name: a name's only key, or all its keys with --all.",
    )
    .argument('<key>', 'the auth-name, id or name of the key to remove')
    .option('--all', 'remove every key of that name when it has several')
    .addHelpText('after', '\nExamples:\n  $ aws-exec auth rm alice:0123456789abcdef\n  $ aws-exec auth rm alice --all')
    .action(async (target: string, options: { all?: boolean }, self: Command) => {
      await run(() =>
        withAdmin(context, self, async (admin, deps) => {
          const removed = await admin.removeAuthKeys(deps, target, { all: options.all === true });
          if (removed.length === 0) {
            say(context, `aws-exec: no auth key with the auth-name, id or name \`${target}\``);
            return EXIT_FAILURE;
          }
          await writeTo(context.stdout, removed.map((key) => `removed ${key.authName ?? key.id}\n`).join(''));
          say(context, await noticeRevoked(context, self, removed.map((key) => key.id)));
          return 0;
        }),
      );
    });

  addWebhookSecretCommand(auth, context, run);
}

/** `aws-exec auth webhook-secret TARGET [--notify-url URL]`: a new webhook secret for one key, shown once. */
function addWebhookSecretCommand(auth: Command, context: CliContext, run: (work: () => Promise<number>) => Promise<void>): void {
  auth
    .command('webhook-secret')
    .summary("give a key a new webhook secret and print it (shown once); optionally set the key's default notify URL")
    .description(
      "Rotates the secret that signs the webhooks of a key's jobs (Standard Webhooks, `whsec_<base64>`) and prints it once. Jobs started from then on are signed with it; jobs already started keep the secret they started with. --notify-url sets the URL that jobs started without `notify` report to ('' removes it).",
    )
    .argument('<key>', "the key's auth-name as `auth ls` shows it (alice:0123456789abcdef), its id, or a name with one key")
    .option('--notify-url <url>', "the key's default webhook URL (http(s); '' removes it)")
    .addHelpText('after', '\nExamples:\n  $ aws-exec auth webhook-secret alice\n  $ aws-exec auth webhook-secret alice:0123456789abcdef --notify-url https://example.com/hooks/aws-exec')
    .action(async (target: string, options: { notifyUrl?: string }, self: Command) => {
      await run(() =>
        withAdmin(context, self, async (_admin, deps) => {
          const { rotateWebhookSecret } = await import('../../backend/auth/webhook-secret.js');
          const local = resolveAdminConfig({ env: context.env, cwd: context.cwd, dataDir: self.optsWithGlobals<{ dataDir?: string }>().dataDir }).aws !== undefined;
          const rotated = await rotateWebhookSecret(deps, target, {
            ...(options.notifyUrl !== undefined ? { notifyUrl: options.notifyUrl } : {}),
            allowPrivateHosts: local,
          });
          await writeTo(context.stdout, `${rotated.secret}\n`);
          say(context, `New webhook secret of ${rotated.key.authName ?? rotated.key.id}; it is shown only once.`);
          return 0;
        }),
      );
    });
}

/** The flags of `auth new`. */
interface NewKeyFlags {
  scope?: string[];
  expires?: string;
  as?: string;
  maxRunning?: string;
}

/** Reads `auth new`'s flags into the key's limits; a UsageError (exit 2) names a malformed one. */
function parseNewKeyFlags(flags: NewKeyFlags): NewKeyOptions {
  const options: NewKeyOptions = {};
  if (flags.scope !== undefined) options.scopes = flags.scope;
  if (flags.expires !== undefined) {
    const seconds = parseDurationSeconds(flags.expires);
    if (seconds === undefined) throw new UsageError(`Expected --expires to be a duration such as 90s, 15m, 12h, 30d or 2w, got \`${flags.expires}\``);
    options.expiresAt = Date.now() + seconds * 1000;
  }
  if (flags.as !== undefined) options.authName = flags.as;
  if (flags.maxRunning !== undefined) {
    if (!/^\d{1,6}$/.test(flags.maxRunning)) throw new UsageError(`Expected --max-running to be a whole number of jobs (0: no cap), got \`${flags.maxRunning}\``);
    options.maxRunning = Number(flags.maxRunning);
  }
  return options;
}

/**
 * Tells the API that keys were removed, so that the process serving the notice refuses them
 * at once (other warm processes trust a key they looked up for AUTH_CACHE_MS); says what came of it.
 */
async function noticeRevoked(context: CliContext, self: Command, ids: string[]): Promise<string> {
  const later = 'warm API processes may accept it for up to AUTH_CACHE_MS (30 s by default)';
  let config: ApiConfig;
  try {
    config = resolveApiConfig({ env: context.env, cwd: context.cwd, dataDir: self.optsWithGlobals<{ dataDir?: string }>().dataDir });
  } catch {
    return `Removed from the table; ${later} (no API configured to tell).`;
  }
  try {
    const answer = await callApi(resolveClientOptions({ url: config.url, auth: config.auth, retry: { retries: 1 } }), {
      method: 'POST',
      path: PATHS.keyRevoked,
      body: { ids },
      schema: RevokedKeysResponse,
    });
    return `Removed from the table; the API process that took the notice refuses ${answer.forgotten.length === ids.length ? 'it' : 'what is gone'} at once, other ${later}.`;
  } catch (error) {
    return `Removed from the table; ${later} (could not tell the API: ${(error as Error).message}).`;
  }
}

/** A name as is when it is one visible word, else JSON-quoted (a Go-written name may hold spaces or newlines). */
function showName(name: string): string {
  return /^[\p{L}\p{N}\p{P}\p{S}]+$/u.test(name) && !name.includes('"') ? name : JSON.stringify(name);
}

/** The `auth ls` table: one key a line, columns padded. */
function formatKeyTable(keys: AuthKeyInfo[], now: number): string {
  const rows = [
    ['NAME', 'AUTH-NAME', 'SCOPES', 'EXPIRES', 'CREATED', 'HASH'],
    ...keys.map((key) => [
      showName(key.name),
      key.authName === undefined ? '- (refused: empty name or unreadable limits)' : showName(key.authName),
      (key.scopes ? key.scopes.join(' ') : 'all') + (key.maxRunning !== undefined ? ` (max-running ${key.maxRunning})` : ''),
      key.expiresAt === undefined ? '-' : `${new Date(key.expiresAt).toISOString()}${key.expiresAt <= now ? ' (expired)' : ''}`,
      key.createdAt === undefined ? '-' : new Date(key.createdAt).toISOString(),
      key.legacy ? 'sha256 (legacy)' : 'blake2b',
    ]),
  ];
  const last = (rows[0]?.length ?? 1) - 1;
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows.map((row) => row.map((cell, column) => (column < last ? cell.padEnd(widths[column] ?? 0) : cell)).join('  ')).join('\n') + '\n';
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
