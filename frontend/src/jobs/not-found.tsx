import { useTabTitle } from './use-clock.js';

/** The one state of a job that cannot be shown: unknown, another key's, expired, or an address that holds no uid. */
export function NotFound({ uid }: { uid: string }) {
  useTabTitle('no such job');
  return (
    <section class="job not-found" aria-label="Job not found">
      <h2>No such job</h2>
      <p>
        There is no job <code>{uid || '(no uid)'}</code> for this key: the address may be mistyped, the job may have expired, or it belongs to
        another key.
      </p>
      <p>
        <a href="#/">Back to your jobs</a>
      </p>
    </section>
  );
}
