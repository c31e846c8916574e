import { useMemo } from 'preact/hooks';
import { AuthError, ClientError, createClient } from '../../../client/index.js';
import { JobView } from '../jobs/job-view.js';
import { SHARE_ACCESS } from './access.js';
import type { Session } from './session.js';

/**
 * A job opened from a share link (`#/share/<uid>/<token>`), without sign-in: the token is
 * the auth value, and it may only follow this job, so the page shows its log, its end and
 * Copy/Download, nothing else. A refused token (revoked or expired) is said so; the key
 * kept in this browser, if any, is neither used nor signed out.
 */
export function SharedJob({ uid, token }: { uid: string; token: string }) {
  const session = useMemo<Session>(() => {
    const client = createClient({ url: location.origin, auth: token, poll: { quiet: true } });
    return {
      client,
      describe(error) {
        if (error instanceof AuthError) return 'This share link has expired or was revoked.';
        if (error instanceof ClientError) return error.message;
        return `Unexpected error: ${error instanceof Error ? error.message : String(error)}`;
      },
    };
  }, [token]);
  return (
    <>
      <header>
        <span class="home">aws-exec</span>
        <nav>
          <span class="note">a shared job</span>
        </nav>
      </header>
      <main>
        <JobView key={uid} session={session} uid={uid} reveal={false} access={SHARE_ACCESS} onRerun={() => undefined} />
      </main>
    </>
  );
}
