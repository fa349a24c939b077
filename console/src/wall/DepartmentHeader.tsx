import { memo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Alert } from '@counterwatch/shared';
import { alertMessage, ruleTitle } from '../alerts/alertText';
import { useT } from '../i18n/i18n';
import { SEVERITY_RANK } from '../store/alertsSlice';
import { useStore } from '../store/store';
import { AcknowledgeButton } from './AcknowledgeButton';
import { countRender } from './renderCount';

/**
 * A department's line on the wall: its name, how many counters are live, and
 * its department alerts (queue, waits, satisfaction, storage) with their
 * reason and an acknowledge; the tiles they concern are marked too. Compact
 * (above a fitted wall, where many departments share a line): the worst alert
 * only, and "+N more" opens the rest.
 */
export const DepartmentHeader = memo(function DepartmentHeader({
  departmentId,
  headingId,
  collapsible = false,
  compact = false,
}: {
  departmentId: string;
  headingId?: string;
  /** Offer to fold the department to this header (the tile-size layout's sections). */
  collapsible?: boolean;
  /** One alert line at most until asked for the rest. */
  compact?: boolean;
}) {
  countRender('DepartmentHeader');
  const t = useT();
  const collapsed = useStore((s) => collapsible && s.collapsedDepartments.includes(departmentId));
  const setCollapsed = useStore((s) => s.setCollapsed);
  const name = useStore((s) => s.departments.find((d) => d.id === departmentId)?.name ?? departmentId);
  const counterIds = useStore(useShallow((s) => s.counterIdsByDepartment[departmentId] ?? []));
  const online = useStore((s) => counterIds.filter((id) => s.counters[id]?.media.status === 'online').length);
  const alerts = useStore(
    useShallow((s) =>
      (s.alertIdsByDepartment[departmentId] ?? [])
        .map((id) => s.alerts[id])
        .filter((a): a is Alert => a !== undefined)
        .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || b.openedAt - a.openedAt),
    ),
  );
  const lang = useStore((s) => s.lang);
  const [showAll, setShowAll] = useState(false);
  const worst = alerts[0]?.severity;
  const shown = compact && !showAll ? alerts.slice(0, 1) : alerts;
  const hidden = alerts.length - shown.length;
  const openIds = alerts.filter((a) => a.state === 'open').map((a) => a.id);
  return (
    <header
      className={`department-header${worst ? ` alert-${worst}` : ''}`}
      data-department-id={departmentId}
      data-alert={worst ?? ''}
      data-collapsed={collapsible ? String(collapsed) : undefined}
      data-compact={compact ? String(!showAll) : undefined}
    >
      {collapsible && (
        <button
          type="button"
          className="department-fold"
          aria-expanded={!collapsed}
          aria-controls={`tiles-${departmentId}`}
          aria-label={t(collapsed ? 'wall.expand' : 'wall.collapse', { name })}
          title={t(collapsed ? 'wall.expand' : 'wall.collapse', { name })}
          onClick={() => setCollapsed([departmentId], !collapsed)}
        >
          {collapsed ? '▸' : '▾'}
        </button>
      )}
      <h2 id={headingId}>{name}</h2>
      <span className="muted">
        {t('wall.online', { count: online })} / {t('wall.counters', { count: counterIds.length })}
      </span>
      {alerts.length > 0 && (
        <ul className="department-alerts" aria-label={t('wall.alert.departmentWide')}>
          {shown.map((a) => (
            <li
              key={a.id}
              className="department-alert"
              data-alert-id={a.id}
              data-rule={a.rule}
              data-severity={a.severity}
              data-state={a.state}
              title={ruleTitle(lang, a.rule)}
            >
              <span className={`sev-badge sev-${a.severity}`}>{t(`severity.${a.severity}`)}</span>
              <span>{alertMessage(lang, a)}</span>
              {a.state === 'acknowledged' && (
                <span className="muted department-alert-acked">{t('wall.alert.acknowledged')}</span>
              )}
            </li>
          ))}
          {compact && alerts.length > 1 && (
            <li>
              <button
                type="button"
                className="link-button department-alerts-more"
                aria-expanded={showAll}
                onClick={() => setShowAll(!showAll)}
              >
                {showAll ? t('wall.alert.fewer') : t('wall.alert.more', { count: hidden })}
              </button>
            </li>
          )}
        </ul>
      )}
      {openIds.length > 0 && (
        <AcknowledgeButton
          alertIds={openIds}
          className="department-ack"
          label={t('wall.alert.acknowledgeDepartment', { name })}
        />
      )}
    </header>
  );
});
