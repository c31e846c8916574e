import type { Command } from 'commander';
import { hashAuthKey } from '../../backend/auth/key-hash.js';
import { MAX_SHARE_SECONDS, ShareId, ShareToken, parseDurationSeconds, parseShareLink } from '../../protocol/index.js';
import { createCliClient } from '../client.js';
import type { CliContext } from '../context.js';
import { say, writeTo } from '../context.js';
import { UsageError } from '../errors.js';

/** `aws-exec share UID [--expires 1h]` and `aws-exec share rm LINK|ID`: links that follow one job and nothing else. */
export function addShareCommand(program: Command, context: CliContext, run: (work: () => Promise<number>) => Promise<void>): void {
  const share = program
    .command('share')
    .summary('make a link that lets anyone holding it follow one of your jobs (log and exit), and nothing else')
    .description(
      "Prints the web page's address of a share link of the job: it opens without sign-in and follows the job's log and exit until the link expires or is revoked (`share rm`). The link's token is also an `auth` value that allows GET /api/exec of that uid only (`AUTH=<token> aws-exec tail UID`).",
    )
    .argument('<uid>', 'the job uid')
    .option('--expires <duration>', 'how long the link works: 90s, 15m, 1h, 7d (at most 30d)', '1h')
    .addHelpText('after', '\nExamples:\n  $ aws-exec share 1700000000.123e4567-e89b-12d3-a456-426614174000 --expires 2h\n  $ aws-exec share rm "$LINK"')
    .action(async (uid: string, options: { expires: string }, self: Command) => {
      await run(async () => {
        const seconds = parseDurationSeconds(options.expires);
        if (seconds === undefined || seconds < 60 || seconds > MAX_SHARE_SECONDS) {
          throw new UsageError(`Expected --expires to be a duration from 60s to 30d such as 15m, 1h or 7d, got \`${options.expires}\``);
        }
        const { client, config } = createCliClient(context, self.optsWithGlobals());
        const answer = await client.share(uid, { expiresInSeconds: seconds });
        await writeTo(context.stdout, `${config.url}${answer.path}\n`);
        say(context, `Anyone with this link can follow job ${uid} until ${new Date(answer['expires-at']).toISOString()}; revoke it with \`aws-exec share rm ${answer.id}\`.`);
        return 0;
      });
    });

  share
    .command('rm')
    .summary('revoke a share link: refused from then on (URLs it already got work at most 60 s more)')
    .argument('<link>', 'the link (or its token), or its id as `share` printed it')
    .action(async (link: string, _options: unknown, self: Command) => {
      await run(async () => {
        const id = shareIdOfArgument(link);
        await createCliClient(context, self.optsWithGlobals()).client.revokeShare(id);
        await writeTo(context.stdout, `revoked ${id}\n`);
        return 0;
      });
    });
}

/** A share's id from a link, a token or the id itself; a UsageError when it is none of them. */
function shareIdOfArgument(text: string): string {
  const link = parseShareLink(text);
  if (link) return hashAuthKey(link.token);
  if (ShareToken.safeParse(text).success) return hashAuthKey(text);
  if (ShareId.safeParse(text).success) return text;
  throw new UsageError(`Expected a share link (…/#/share/<uid>/<token>), its token (share-<64 hex>) or its id (64 hex), got \`${text.slice(0, 100)}\``);
}
