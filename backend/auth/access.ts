import { EXEC_SCOPE, PATHS, formatScopes, mayStartArgv, mayStartCommand, rpcScope } from '../../protocol/index.js';
import { ForbiddenError } from '../errors.js';
import type { KeyPrincipal, Principal } from './principal.js';

// What each principal may do, in one place: every route asks `checkAccess` before it acts.
//
// | action                       | no scopes | exec | rpc:N     | read | share link      |
// | start argv / push-urls       | yes       | yes  | -         | -    | -               |
// | start registered command N   | yes       | yes  | yes       | -    | -               |
// | cancel a job of command N    | yes       | yes  | yes       | -    | -               |
// | cancel a command-line job    | yes       | yes  | -         | -    | -               |
// | follow / list its jobs       | yes       | yes  | yes       | yes  | its one job     |
// | share its jobs, describe key | yes       | yes  | yes       | yes  | describe only   |

/** What a job runs, as far as rights go. */
export type JobKind = { argv: readonly string[] } | { rpcName: string };

/** Something a request wants to do. */
export type Action =
  | { kind: 'start'; job: JobKind; pushUrls: boolean }
  | { kind: 'cancel'; job: JobKind | undefined }
  | { kind: 'follow'; uid: string }
  | { kind: 'list' }
  | { kind: 'commands' }
  | { kind: 'share' }
  | { kind: 'describe-key' }
  | { kind: 'revoke-notice' };

/** Throws ForbiddenError (403) naming what is missing unless the principal may do the action. */
export function checkAccess(principal: Principal, action: Action): void {
  const refusal = principal.kind === 'share' ? refuseForShare(principal.uid, action) : refuseForKey(principal, action);
  if (refusal !== undefined) throw new ForbiddenError(refusal);
}

function refuseForShare(uid: string, action: Action): string | undefined {
  if (action.kind === 'describe-key') return undefined;
  if (action.kind === 'follow' && action.uid === uid) return undefined;
  const what = action.kind === 'follow' ? `job \`${action.uid}\`` : describeAction(action);
  return `A share link allows following its one job (GET ${PATHS.exec}?uid=${uid}), not ${what}`;
}

function refuseForKey(key: KeyPrincipal, action: Action): string | undefined {
  const scopes = key.scopes;
  const lacks = (scope: string, what: string) =>
    `This key lacks the scope \`${scope}\`, needed to ${what}; its scopes: ${scopes ? formatScopes(scopes).join(' ') || 'none' : 'all'}`;
  switch (action.kind) {
    case 'start':
    case 'cancel': {
      const verb = action.kind === 'start' ? 'start' : 'cancel';
      if (action.kind === 'start' && action.pushUrls && !mayStartArgv(scopes)) return lacks(EXEC_SCOPE, 'send a job\'s log to push-urls');
      if (action.job === undefined || 'argv' in action.job) {
        return mayStartArgv(scopes) ? undefined : lacks(EXEC_SCOPE, `${verb} a command-line job (argv)`);
      }
      return mayStartCommand(scopes, action.job.rpcName) ? undefined : lacks(rpcScope(action.job.rpcName), `${verb} the command ${action.job.rpcName}`);
    }
    default:
      // Every key follows, lists and shares its own jobs; what it may start is filtered by the route.
      return undefined;
  }
}

function describeAction(action: Action): string {
  switch (action.kind) {
    case 'start':
      return 'starting jobs';
    case 'cancel':
      return 'cancelling jobs';
    case 'follow':
      return `following job \`${action.uid}\``;
    case 'list':
      return 'listing jobs';
    case 'commands':
      return 'listing commands';
    case 'share':
      return 'sharing jobs';
    case 'describe-key':
      return 'describing the key';
    case 'revoke-notice':
      return 'revocation notices';
  }
}
