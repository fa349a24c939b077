import { useEffect, useRef, useState, type SyntheticEvent } from 'react';
import { useT } from '../i18n/i18n';
import { LanguageSwitch } from '../app/LanguageSwitch';
import { useSearchParam } from '../app/router';
import { BrowserPublisher, type PublisherState } from './BrowserPublisher';

/**
 * `/agent`: a counter PC without the agent installed publishes its webcam
 * and microphone from this page, authenticated with the counter's token.
 */
export function BrowserPublisherPage() {
  const t = useT();
  const [counterId, setCounterId] = useState(useSearchParam('counter') ?? '');
  const [token, setToken] = useState('');
  const [state, setState] = useState<PublisherState>('idle');
  const [detail, setDetail] = useState<string | undefined>();
  const publisher = useRef<BrowserPublisher | null>(null);

  useEffect(() => () => publisher.current?.stop(), []);

  const start = (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault();
    publisher.current?.stop();
    const p = new BrowserPublisher({ counterId: counterId.trim(), token: token.trim() });
    p.on('state', (s, d) => {
      setState(s);
      setDetail(d);
    });
    publisher.current = p;
    p.start();
  };

  const stop = () => {
    publisher.current?.stop();
    publisher.current = null;
  };

  const running = state === 'connecting' || state === 'live' || state === 'reconnecting';
  return (
    <main className="login">
      <form className="login-card" onSubmit={start}>
        <h1>{t('agentPage.title')}</h1>
        <label>
          {t('agentPage.counter')}
          <input
            value={counterId}
            onChange={(e) => setCounterId(e.target.value)}
            required
            disabled={running}
            name="counter"
          />
        </label>
        <label>
          {t('agentPage.token')}
          <input
            type="password"
            autoComplete="off"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            required
            disabled={running}
            name="token"
          />
        </label>
        <p role="status" data-publisher-state={state}>
          {state === 'live' && t('agentPage.live')}
          {(state === 'connecting' || state === 'reconnecting') && t('agentPage.connecting')}
          {detail && ` ${t('agentPage.error', { message: detail })}`}
        </p>
        {running ? (
          <button type="button" onClick={stop}>
            {t('agentPage.stop')}
          </button>
        ) : (
          <button type="submit">{t('agentPage.start')}</button>
        )}
        <LanguageSwitch />
      </form>
    </main>
  );
}
