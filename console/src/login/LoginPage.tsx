import { useState, type SyntheticEvent } from 'react';
import { RemoteError, LoginResponseSchema } from '@counterwatch/shared';
import { apiRequest } from '../api/http';
import { useT } from '../i18n/i18n';
import { LanguageSwitch } from '../app/LanguageSwitch';

export function LoginPage({ onLoggedIn }: { onLoggedIn: () => void }) {
  const t = useT();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    apiRequest('POST', '/api/v1/auth/login', LoginResponseSchema, { username, password })
      .then(() => onLoggedIn())
      .catch((e: unknown) => {
        const code = e instanceof RemoteError ? e.code : '';
        setError(code === 'rate_limited' ? t('login.rateLimited') : t('login.failed'));
      })
      .finally(() => setBusy(false));
  };

  return (
    <main className="login">
      <form className="login-card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">{t('app.title')}</h1>
        <h2>{t('login.title')}</h2>
        <label>
          {t('login.username')}
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value.trim().toLowerCase())}
            required
            autoFocus
          />
        </label>
        <label>
          {t('login.password')}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {t('login.submit')}
        </button>
        <LanguageSwitch />
      </form>
    </main>
  );
}
