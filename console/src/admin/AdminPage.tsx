import { DirectoryAdminSchema } from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { useApiQuery } from '../api/useApiQuery';
import { navigate, useSearchParam } from '../app/router';
import { useT } from '../i18n/i18n';
import { useStore } from '../store/store';
import { ChecklistEditor } from './ChecklistEditor';
import { DevicesSection } from './DevicesSection';
import { DirectorySection } from './DirectorySection';
import { NodesSection } from './NodesSection';
import { OfficersSection } from './OfficersSection';
import { CountersSection, DepartmentsSection } from './DirectorySections';
import { SessionsSection } from './SessionsSection';
import { ThresholdsSection } from './ThresholdsSection';
import { UsersSection } from './UsersSection';

const TABS = [
  'users',
  'sessions',
  'directory',
  'counters',
  'departments',
  'nodes',
  'devices',
  'officers',
  'checklist',
  'thresholds',
] as const;
type Tab = (typeof TABS)[number];
const NO_NAMES = { departments: [], counters: [] };

/**
 * Accounts, sessions, the directory (departments and counters), counter tokens, department keys, media nodes, devices, officers, the inspection
 * checklist and alert thresholds. The tab is in the URL (`?tab=`), so a
 * reload stays where it was.
 */
export function AdminPage() {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const requested = useSearchParam('tab');
  const tab: Tab = TABS.find((x) => x === requested) ?? 'users';
  // The directory (departments and counters) is used by several tabs: loaded once here.
  const directory = useApiQuery('/api/v1/admin/directory', DirectoryAdminSchema);

  const select = (next: Tab): void => navigate(`/admin?tab=${next}`, true);

  return (
    <section className="page admin-page" aria-labelledby="admin-title">
      <header className="page-header">
        <h2 id="admin-title">{t('admin.title')}</h2>
      </header>
      <div className="tabs" role="tablist" aria-label={t('admin.title')}>
        {TABS.map((id) => (
          <button
            key={id}
            type="button"
            role="tab"
            id={`admin-tab-${id}`}
            aria-selected={tab === id}
            aria-controls="admin-tabpanel"
            tabIndex={tab === id ? 0 : -1}
            data-tab={id}
            onClick={() => select(id)}
            onKeyDown={(e) => {
              const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
              if (step === 0) return;
              e.preventDefault();
              const next = TABS[(TABS.indexOf(id) + step + TABS.length) % TABS.length] ?? 'users';
              select(next);
              requestAnimationFrame(() => document.getElementById(`admin-tab-${next}`)?.focus());
            }}
          >
            {t(`admin.tab.${id}`)}
          </button>
        ))}
      </div>
      {directory.error !== null && (
        <p className="error" role="alert">
          {describeError(lang, directory.error)}
        </p>
      )}
      <div
        role="tabpanel"
        id="admin-tabpanel"
        aria-labelledby={`admin-tab-${tab}`}
        className="admin-panel"
        data-tab={tab}
      >
        {tab === 'users' && <UsersSection directory={directory.data} />}
        {tab === 'sessions' && <SessionsSection />}
        {tab === 'directory' && <DirectorySection onChanged={directory.reload} />}
        {tab === 'counters' && <CountersSection directory={directory} />}
        {tab === 'departments' && <DepartmentsSection directory={directory} />}
        {tab === 'nodes' && <NodesSection names={directory.data ?? NO_NAMES} />}
        {tab === 'devices' && <DevicesSection directory={directory.data} />}
        {tab === 'officers' && <OfficersSection directory={directory.data} />}
        {tab === 'checklist' && <ChecklistEditor />}
        {tab === 'thresholds' && <ThresholdsSection directory={directory.data} />}
      </div>
    </section>
  );
}
