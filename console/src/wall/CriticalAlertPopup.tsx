import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Alert } from '@counterwatch/shared';
import { alertMessage, ruleTitle } from '../alerts/alertText';
import { useT } from '../i18n/i18n';
import { inspectionOnScreen } from '../store/inspectionSlice';
import { useStore } from '../store/store';

const MAX_SHOWN = 4;

/**
 * New critical alerts pop up over the wall (the chime sounds at the same
 * time): the director clicks one to bring its counter forward in the focus
 * view. Alerts resolved or acknowledged meanwhile drop out by themselves.
 * During an inspection on screen they wait (the header's count and the chime
 * still tell): a pop-up must not cover the inspector's checklist and buttons.
 */
export function CriticalAlertPopup() {
  const t = useT();
  const [ids, setIds] = useState<number[]>([]);
  useEffect(
    () =>
      useStore.subscribe((state, previous) => {
        if (state.criticalArrival.seq === previous.criticalArrival.seq) return;
        const arrived = state.criticalArrival.alertIds;
        setIds((shown) => [...arrived, ...shown.filter((id) => !arrived.includes(id))].slice(0, MAX_SHOWN));
      }),
    [],
  );
  const alerts = useStore(
    useShallow((s) =>
      ids.map((id) => s.alerts[id]).filter((a): a is Alert => a !== undefined && a.state === 'open'),
    ),
  );
  const inspecting = useStore(inspectionOnScreen);
  if (alerts.length === 0 || inspecting) return null;
  const dismiss = (id: number): void => setIds((shown) => shown.filter((x) => x !== id));
  return (
    <section className="critical-popup" aria-label={t('wall.alert.popupTitle')}>
      <h2>{t('wall.alert.popupTitle')}</h2>
      <ul>
        {alerts.map((a) => (
          <CriticalItem key={a.id} alert={a} onDone={() => dismiss(a.id)} />
        ))}
      </ul>
    </section>
  );
}

function CriticalItem({ alert, onDone }: { alert: Alert; onDone: () => void }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  // The counter to bring forward: the alert's own, else the worst it concerns.
  const counterId = alert.counterId ?? alert.counterIds[0] ?? null;
  const counterName = useStore((s) =>
    counterId === null ? null : (s.counters[counterId]?.name ?? counterId),
  );
  const departmentName = useStore(
    (s) => s.departments.find((d) => d.id === alert.departmentId)?.name ?? alert.departmentId,
  );
  const show = (): void => {
    if (counterId === null) return;
    onDone();
    useStore.getState().focusCounter(counterId);
  };
  return (
    <li className="critical-item" data-alert-id={alert.id} data-rule={alert.rule} role="alert">
      <div>
        <strong>{ruleTitle(lang, alert.rule)}</strong> — {alertMessage(lang, alert)}
        <div className="muted">
          {departmentName}
          {counterName !== null && ` · ${counterName}`}
        </div>
      </div>
      <div className="critical-actions">
        {counterName !== null && (
          <button type="button" className="active" data-action="show-counter" onClick={show}>
            {t('wall.alert.popupShow', { name: counterName })}
          </button>
        )}
        <button type="button" data-action="dismiss" onClick={onDone}>
          {t('wall.alert.popupClose')}
        </button>
      </div>
    </li>
  );
}
