import { OkSchema } from '@counterwatch/shared';
import { useEffect, useRef, useState } from 'react';
import { apiRequest } from '../api/http';
import { useT } from '../i18n/i18n';
import { DepartmentSelect } from '../filters/PlaceSelects';
import type { MessageKey } from '../i18n/messages';
import { BellIcon } from '../queue/icons';
import type { ConnectionStatus } from '../store/connectionSlice';
import { openAlertCount } from '../store/alertsSlice';
import { useStore } from '../store/store';
import type { TileSize } from '../store/uiSlice';
import { LanguageSwitch } from './LanguageSwitch';
import { can, routesFor } from './roles';
import { WALL_DEPARTMENT_PARAM } from '../wall/focusUrl';
import { consoleRoute, followLink, usePath, useUrlParam } from './router';

export function Header({ onLoggedOut }: { onLoggedOut: () => void }) {
  const t = useT();
  const status = useStore((s) => s.connectionStatus);
  const user = useStore((s) => s.user);
  const tileSize = useStore((s) => s.tileSize);
  const setTileSize = useStore((s) => s.setTileSize);
  const path = usePath();
  const route = consoleRoute(path);
  // Only the pages this role can use; the live-only parts (connection, alert sound) for those who watch.
  const routes = routesFor(user);
  const watchesLive = can(user, 'watchLive');
  // On a phone the navigation and tools fold into a menu; on wider screens the menu is the header itself.
  const [menuOpen, setMenuOpen] = useState(false);
  const menuRef = useRef<HTMLDivElement>(null);
  const toggleRef = useRef<HTMLButtonElement>(null);
  useEffect(() => setMenuOpen(false), [path]);
  useEffect(() => {
    if (!menuOpen) return;
    const onKey = (e: KeyboardEvent): void => {
      if (e.key !== 'Escape') return;
      setMenuOpen(false);
      toggleRef.current?.focus();
    };
    const onPointer = (e: PointerEvent): void => {
      const target = e.target as Node | null;
      if (target && !menuRef.current?.contains(target) && !toggleRef.current?.contains(target))
        setMenuOpen(false);
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('pointerdown', onPointer);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('pointerdown', onPointer);
    };
  }, [menuOpen]);
  const logout = () => {
    apiRequest('POST', '/api/v1/auth/logout', OkSchema)
      .catch((error: unknown) => console.warn('logout', error))
      .finally(onLoggedOut);
  };
  return (
    <header className="app-header" data-menu-open={menuOpen}>
      <h1>CounterWatch</h1>
      {watchesLive && (
        <span
          className={`conn conn-${status}`}
          role="status"
          data-connection={status}
          title={t(connectionLabel(status))}
        >
          <span className="conn-dot" aria-hidden="true" />
          <span className="conn-text">{t(connectionLabel(status))}</span>
        </span>
      )}
      <button
        ref={toggleRef}
        type="button"
        className="menu-toggle"
        aria-expanded={menuOpen}
        aria-controls="app-menu"
        data-action="menu"
        onClick={() => setMenuOpen(!menuOpen)}
      >
        <MenuIcon />
        <span className="visually-hidden">{t('nav.menu')}</span>
        {watchesLive && <OpenAlertsBadge />}
      </button>
      <div ref={menuRef} id="app-menu" className="app-menu" data-open={menuOpen}>
        <nav className="app-nav" aria-label={t('nav.label')}>
          {routes.map((r) => (
            <a
              key={r.path}
              href={r.path}
              data-route={r.path}
              aria-current={route === r.path ? 'page' : undefined}
              onClick={(e) => {
                // Closed even when the link is the page already shown (no change of path to close it).
                setMenuOpen(false);
                followLink(e, r.path);
              }}
            >
              {t(r.label)}
              {r.path === '/alerts' && <OpenAlertsBadge />}
            </a>
          ))}
        </nav>
        <div className="spacer" />
        <div className="app-tools">
          {route === '/' && watchesLive && <WallDepartmentFilter />}
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
          {watchesLive && <AlertSoundToggle />}
          <LanguageSwitch />
          {user && (
            <span className="user" title={user.displayName}>
              {user.displayName}
            </span>
          )}
          <button type="button" data-action="logout" onClick={logout}>
            {t('app.logout')}
          </button>
        </div>
      </div>
    </header>
  );
}

function connectionLabel(status: ConnectionStatus): MessageKey {
  return status === 'connected'
    ? 'conn.connected'
    : status === 'reconnecting'
      ? 'conn.reconnecting'
      : 'conn.connecting';
}

/** The wall narrowed to one department; in the URL (`/?department=…`), so Back, reload and links keep it. */
function WallDepartmentFilter() {
  const t = useT();
  const many = useStore((s) => s.departments.length > 1);
  const [departmentId, setDepartmentId] = useUrlParam(WALL_DEPARTMENT_PARAM);
  if (!many) return null;
  return (
    <DepartmentSelect
      name="wall-department"
      className="wall-filter"
      label={<span className="visually-hidden">{t('wall.departmentFilter')}</span>}
      value={departmentId}
      emptyOption={t('wall.allDepartments')}
      onChange={setDepartmentId}
    />
  );
}

function MenuIcon() {
  return (
    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" className="icon">
      <path fill="currentColor" d="M3 6h18v2H3V6Zm0 5h18v2H3v-2Zm0 5h18v2H3v-2Z" />
    </svg>
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
