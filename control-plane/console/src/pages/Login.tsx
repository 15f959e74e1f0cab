import { useEffect, useRef, useState } from 'preact/hooks';
import { HttpError } from '../api.ts';
import { login } from '../session.ts';

const TOKEN = /^vgl_op_[A-Za-z0-9_-]{43}$/;

export function Login() {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const submit = async (e: Event) => {
    e.preventDefault();
    const t = token.trim();
    if (!TOKEN.test(t)) return setError('That is not an operator token: it starts with vgl_op_ and has 50 characters.');
    setBusy(true);
    setError(null);
    try {
      await login(t);
      location.hash = '#/fleet';
    } catch (err) {
      setError(
        err instanceof HttpError && err.status === 401
          ? 'The control plane does not know this token, or it was revoked.'
          : `Could not log in: ${(err as Error).message}`,
      );
      setBusy(false);
    }
  };
  return (
    <main id="main" class="login">
      <h1>Vigil console</h1>
      <form onSubmit={submit}>
        <label for="token">Operator token</label>
        <input
          id="token"
          type="password"
          autoComplete="off"
          spellcheck={false}
          value={token}
          aria-describedby="token-help"
          onInput={(e) => setToken((e.target as HTMLInputElement).value)}
          ref={input}
        />
        <p id="token-help" class="muted">
          Create one with <code>npx vigil control-plane token create --role viewer|operator|admin</code>. It is kept in
          this tab only (sessionStorage) and sent as a bearer header.
        </p>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Checking…' : 'Log in'}
        </button>
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
      </form>
    </main>
  );
}
