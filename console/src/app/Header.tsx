import { z } from 'zod';
import { apiRequest } from '../api/http';
import { useT } from '../i18n/i18n';
import { useStore } from '../store/store';
import type { TileSize } from '../store/uiSlice';
import { LanguageSwitch } from './LanguageSwitch';

export function Header({ onLoggedOut }: { onLoggedOut: () => void }) {
  const t = useT();
  const status = useStore((s) => s.connectionStatus);
  const user = useStore((s) => s.user);
  const tileSize = useStore((s) => s.tileSize);
  const setTileSize = useStore((s) => s.setTileSize);
  const logout = () => {
    apiRequest('POST', '/api/v1/auth/logout', z.object({ ok: z.boolean() }))
      .catch((error: unknown) => console.warn('logout', error))
      .finally(onLoggedOut);
  };
  return (
    <header className="app-header">
      <h1>CounterWatch</h1>
      <span className={`conn conn-${status}`} role="status" data-connection={status}>
        {t(
          status === 'connected'
            ? 'conn.connected'
            : status === 'reconnecting'
              ? 'conn.reconnecting'
              : 'conn.connecting',
        )}
      </span>
      <div className="spacer" />
      <label className="density">
        {t('wall.density')}
        <select value={tileSize} onChange={(e) => setTileSize(e.target.value as TileSize)}>
          <option value="S">S</option>
          <option value="M">M</option>
          <option value="L">L</option>
        </select>
      </label>
      <LanguageSwitch />
      {user && <span className="user">{user.displayName}</span>}
      <button type="button" onClick={logout}>
        {t('app.logout')}
      </button>
    </header>
  );
}
