import { useEffect, useMemo, useState } from 'preact/hooks';
import { FULL_ACCESS, accessOf, type PageAccess } from './access.js';
import { createClient, type CommandInfo } from '../../../client/index.js';
import { JobList } from '../jobs/job-list.js';
import { JobView } from '../jobs/job-view.js';
import { NotFound } from '../jobs/not-found.js';
import { Composer, type Refill, type RunRequest } from './composer.js';
import { clearHistory, formatHistory, loadHistory, rememberCommand } from './history.js';
import { rememberRpc } from './requests.js';
import { jobHash, parseRoute } from './route.js';
import { createSession } from './session.js';
import { SharedJob } from './shared-job.js';
import { SignIn } from './sign-in.js';

const AUTH_KEY = 'aws-exec.auth';

/** The page: sign-in, or the prompt with the recent jobs or one job's live log. */
export function App() {
  const [auth, setAuth] = useState(() => localStorage.getItem(AUTH_KEY));
  const [notice, setNotice] = useState<string>();
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  const [output, setOutput] = useState<string>();
  const [commands, setCommands] = useState<CommandInfo[]>([]);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [revealed, setRevealed] = useState<string>();
  const [refill, setRefill] = useState<Refill>();
  // Until the key's rights are known nothing is offered that it might not have.
  const [access, setAccess] = useState<PageAccess>();

  const signOut = (message?: string) => {
    localStorage.removeItem(AUTH_KEY);
    setNotice(message);
    setAuth(null);
  };
  const session = useMemo(
    () => (auth ? createSession(createClient({ url: location.origin, auth, poll: { quiet: true } }), () => signOut('The key was refused: sign in again.')) : undefined),
    [auth],
  );

  useEffect(() => {
    const onHash = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  const run = async (request: RunRequest) => {
    if (!session) return;
    setProblem(undefined);
    const command = request.command;
    if (command !== undefined && command !== 'history clear') rememberCommand(localStorage, command);
    if (command === 'clear' || command === 'history' || command === 'history clear') {
      if (command === 'history clear') clearHistory(localStorage);
      const history = loadHistory(localStorage);
      setOutput(command === 'clear' ? undefined : history.length > 0 ? formatHistory(history) : 'The history is empty.');
      location.hash = '#/';
      return;
    }
    setBusy(true);
    try {
      const uid = await session.client.start(command !== undefined ? { argv: ['bash', '-c', command] } : { rpcName: request.rpc?.name ?? '', rpcArgs: JSON.stringify(request.rpc?.args ?? {}) });
      if (request.rpc) rememberRpc(localStorage, uid, { name: request.rpc.name, args: request.rpc.args ?? {} });
      setOutput(undefined);
      setRevealed(uid);
      location.hash = jobHash(uid);
    } catch (error) {
      setProblem(session.describe(error));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    if (!session) return;
    session.client.commands().then(setCommands, (error: unknown) => setProblem(session.describe(error)));
    session.client.key().then(
      (info) => setAccess(accessOf(info)),
      (error: unknown) => {
        setAccess(FULL_ACCESS);
        setProblem(session.describe(error));
      },
    );
    // `?cmd=...` runs once on load; the address then becomes the job's own.
    const params = new URLSearchParams(location.search);
    const command = params.get('cmd');
    if (command) {
      history.replaceState(null, '', location.pathname + location.hash);
      void run({ command });
    }
  }, [session]);

  if (route.page === 'share') return <SharedJob key={route.token} uid={route.uid} token={route.token} />;
  if (!session) {
    return (
      <SignIn
        notice={notice}
        onSignIn={(key) => {
          localStorage.setItem(AUTH_KEY, key);
          setNotice(undefined);
          setAuth(key);
        }}
      />
    );
  }
  return (
    <>
      <header>
        <a class="home" href="#/">
          aws-exec
        </a>
        <nav>
          <a href="#/">Jobs</a>
          <button type="button" class="quiet" onClick={() => signOut()}>
            Sign out
          </button>
        </nav>
      </header>
      <main>
        {access && (access.shell || commands.length > 0) ? (
          <Composer commands={commands} shell={access.shell} busy={busy} problem={problem} onRun={run} refill={refill} />
        ) : (
          access && (
            <p class="hint" aria-label="Key rights">
              This key may follow and list its jobs; it may not start any.
            </p>
          )
        )}
        {route.page === 'job' ? (
          <JobView
            key={route.uid}
            session={session}
            uid={route.uid}
            line={route.line}
            reveal={revealed === route.uid}
            access={access ?? { ...FULL_ACCESS, shell: false, share: false }}
            onRerun={(request) => setRefill({ request, nonce: (refill?.nonce ?? 0) + 1 })}
          />
        ) : route.page === 'not-found' ? (
          <NotFound uid={route.uid} />
        ) : (
          <>
            {output !== undefined && (
              <pre class="output" aria-label="Output">
                {output}
              </pre>
            )}
            <JobList session={session} />
          </>
        )}
      </main>
    </>
  );
}
