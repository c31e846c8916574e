import { useState } from 'preact/hooks';
import { AuthError, createClient } from '../../../client/index.js';

/** The sign-in form: a pasted auth key is tried against the API before it is kept. */
export function SignIn({ notice, onSignIn }: { notice: string | undefined; onSignIn: (key: string) => void }) {
  const [key, setKey] = useState('');
  const [message, setMessage] = useState(notice);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const trimmed = key.trim();
    if (!trimmed) return setMessage('Paste your auth key first.');
    setBusy(true);
    setMessage('Checking the key…');
    try {
      await createClient({ url: location.origin, auth: trimmed }).list({ limit: 1 });
      onSignIn(trimmed);
    } catch (error) {
      setMessage(error instanceof AuthError ? 'That key was refused. Check it and try again.' : `Could not check the key: ${String(error)}`);
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <form onSubmit={submit}>
        <h1>aws-exec</h1>
        <label for="key">Auth key</label>
        <input id="key" type="password" autocomplete="current-password" value={key} onInput={(e) => setKey(e.currentTarget.value)} autofocus />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        <p class="hint">
          <code>npm start</code> prints a key; <code>aws-exec auth new NAME</code> makes another. It is kept in this browser until you sign out.
        </p>
        {message && (
          <p class="problem" role="alert">
            {message}
          </p>
        )}
      </form>
    </main>
  );
}
