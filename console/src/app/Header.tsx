import { z } from 'zod';
import { apiRequest } from '../api/http';
import { useT } from '../i18n/i18n';
import { BellIcon } from '../queue/icons';
import { openAlertCount } from '../store/alertsSlice';
import { useStore } from '../store/store';
import type { TileSize } from '../store/uiSlice';
import { LanguageSwitch } from './LanguageSwitch';
import { can, routesFor } from './roles';
import { consoleRoute, followLink, usePath } from './router';

export function Header({ onLoggedOut }: { onLoggedOut: () => void }) {
  const t = useT();
  const status = useStore((s) => s.connectionStatus);
  const user = useStore((s) => s.user);
  const tileSize = useStore((s) => s.tileSize);
  const setTileSize = useStore((s) => s.setTileSize);
  const route = consoleRoute(usePath());
  // Only the pages this role can use; the live-only parts (connection, alert sound) for those who watch.
  const routes = routesFor(user);
  const watchesLive = can(user, 'watchLive');
  const logout = () => {
    apiRequest('POST', '/api/v1/auth/logout', z.object({ ok: z.boolean() }))
      .catch((error: unknown) => console.warn('logout', error))
      .finally(onLoggedOut);
  };
  return (
    <header className="app-header">
      <h1>CounterWatch</h1>
      {watchesLive && (
        <span className={`conn conn-${status}`} role="status" data-connection={status}>
          {t(
            status === 'connected'
              ? 'conn.connected'
              : status === 'reconnecting'
                ? 'conn.reconnecting'
                : 'conn.connecting',
          )}
        </span>
      )}
      <nav className="app-nav" aria-label={t('nav.label')}>
        {routes.map((r) => (
          <a
            key={r.path}
            href={r.path}
            data-route={r.path}
            aria-current={route === r.path ? 'page' : undefined}
            onClick={(e) => followLink(e, r.path)}
          >
            {t(r.label)}
            {r.path === '/alerts' && <OpenAlertsBadge />}
          </a>
        ))}
      </nav>
      <div className="spacer" />
      {watchesLive && <AlertSoundToggle />}
      {route === '/' && watchesLive && (
        <label className="density" title={t('wall.density')}>
          <span className="density-label">{t('wall.density')}</span>
          <select value={tileSize} onChange={(e) => setTileSize(e.target.value as TileSize)}>
            <option value="S">S</option>
            <option value="M">M</option>
            <option value="L">L</option>
          </select>
        </label>
      )}
      <LanguageSwitch />
      {user && (
        <span className="user" title={user.displayName}>
          {user.displayName}
        </span>
      )}
      <button type="button" onClick={logout}>
        {t('app.logout')}
      </button>
    </header>
  );
}

/** Alerts nobody has acknowledged yet; red while any is critical. */
function OpenAlertsBadge() {
  const t = useT();
  const count = useStore(openAlertCount);
  const critical = useStore((s) =>
    Object.values(s.alerts).some((a) => a.state === 'open' && a.severity === 'critical'),
  );
  return (
    <span
      className={`alert-badge${count === 0 ? ' none' : ''}${critical ? ' critical' : ''}`}
      data-open-alerts={count}
      role="status"
      aria-label={t('alerts.openCount', { count })}
    >
      {count}
    </span>
  );
}

function AlertSoundToggle() {
  const t = useT();
  const muted = useStore((s) => s.alertSoundMuted);
  const setMuted = useStore((s) => s.setAlertSoundMuted);
  return (
    <button
      type="button"
      className={`sound-toggle${muted ? ' muted' : ''}`}
      aria-pressed={muted}
      data-muted={muted}
      title={muted ? t('alerts.soundOff') : t('alerts.soundOn')}
      onClick={() => setMuted(!muted)}
    >
      <BellIcon />
      <span className="visually-hidden">{t('alerts.mute')}</span>
    </button>
  );
}
