import { useState } from 'react';
import {
  CounterPanelStateSchema,
  PauseReasonSchema,
  ServiceOutcomeSchema,
  type CounterAction,
} from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { formatTime, useT } from '../i18n/i18n';
import { Elapsed } from '../queue/Elapsed';
import { NO_DATA, serviceName } from '../queue/format';
import { QueueStateBadge } from '../queue/QueueStateBadge';
import { useStore } from '../store/store';
import { describeRefusal } from './refusals';
import { DeviceGate, DeviceHeader, type DeviceSession } from './DeviceGate';
import { OfficerSignIn } from './OfficerSignIn';
import { PANEL_ACTIONS, suggestedActions, waitingRows, type PanelActionName } from './panelActions';
import { usePolled } from './usePolled';

const REFRESH_MS = 3_000;

/** `/panel`: the officer's call-next screen at the counter this panel was enrolled for. */
export function PanelPage() {
  return (
    <DeviceGate page="panel" title="panel.title">
      {(session) => <PanelForCounter session={session} />}
    </DeviceGate>
  );
}

function PanelForCounter({ session }: { session: DeviceSession }) {
  const t = useT();
  // A panel is enrolled for one counter: that is the only one it may see and act on.
  const counter = session.info.counters.find((c) => c.id === session.info.device.counterId);
  return (
    <main className="device-page panel" data-device-page="panel">
      <DeviceHeader session={session} title={counter ? counter.name : t('panel.title')} />
      {counter && <OfficerSignIn key={`officer-${counter.id}`} session={session} counterId={counter.id} />}
      {counter && <Panel key={counter.id} session={session} counterId={counter.id} />}
    </main>
  );
}

type Choosing = null | 'finish' | 'pause';

function Panel({ session, counterId }: { session: DeviceSession; counterId: string }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const path = `/api/v1/device/counters/${encodeURIComponent(counterId)}`;
  const polled = usePolled(
    () => session.request('GET', path, CounterPanelStateSchema),
    REFRESH_MS,
    counterId,
  );
  const [busy, setBusy] = useState<PanelActionName | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [choosing, setChoosing] = useState<Choosing>(null);
  const state = polled.data;

  const act = (action: CounterAction): void => {
    setBusy(action.action);
    setActionError(null);
    setChoosing(null);
    session
      .request('POST', `${path}/actions`, CounterPanelStateSchema, action)
      .then((next) => polled.setData(next))
      .catch((e: unknown) => {
        setActionError(e);
        polled.refresh(); // a refusal usually means our picture was stale
      })
      .finally(() => setBusy(null));
  };

  const press = (name: PanelActionName): void => {
    switch (name) {
      case 'finish':
      case 'pause':
        setActionError(null);
        setChoosing(choosing === name ? null : name);
        return;
      case 'open':
      case 'call-next':
      case 'recall':
      case 'start':
      case 'no-show':
      case 'close':
        act({ action: name });
        return;
    }
  };

  if (!state) {
    return (
      <div className="panel-body" role="status">
        {polled.error !== null ? (
          <p className="error">{describeError(lang, polled.error)}</p>
        ) : (
          <p>{t('common.loading')}</p>
        )}
      </div>
    );
  }

  const suggested = suggestedActions(state.state, state.servingTicket !== null);
  const serving = state.servingTicket;
  return (
    <div className="panel-body" data-queue-state={state.state} data-queue-length={state.queueLength}>
      <section className="panel-status" aria-label={t('panel.status')}>
        <QueueStateBadge state={state.state} pauseReason={null} className="large" />
        <div className="panel-serving" data-serving={serving?.number ?? ''}>
          <span className="big-label">{t('queue.servingTicket')}</span>
          <span className="panel-ticket">{serving?.number ?? NO_DATA}</span>
          {serving && (
            <span className="muted">
              {serviceName(lang, serving.serviceCode, session.info.services)} ·{' '}
              <Elapsed since={serving.since} />
            </span>
          )}
        </div>
        <div className="panel-queue">
          <span className="big-label">{t('queue.waiting')}</span>
          <span className="panel-ticket" data-fact="queue">
            {state.queueLength}
          </span>
        </div>
      </section>

      {polled.error !== null && (
        <p className="error" role="status">
          {t('device.stale', { message: describeError(lang, polled.error) })}
        </p>
      )}
      {actionError !== null && (
        <p className="error device-error" role="alert" data-error="action">
          {describeRefusal(lang, actionError)}
        </p>
      )}

      <div className="panel-actions" role="group" aria-label={t('panel.actions')}>
        {PANEL_ACTIONS.map((name) => (
          <button
            key={name}
            type="button"
            className={`panel-action${suggested.includes(name) ? ' suggested' : ''}`}
            data-action={name}
            aria-expanded={name === 'finish' || name === 'pause' ? choosing === name : undefined}
            disabled={busy !== null}
            onClick={() => press(name)}
          >
            {t(`panel.action.${name}`)}
          </button>
        ))}
      </div>

      {choosing === 'finish' && (
        <div className="panel-choice" role="group" aria-label={t('panel.chooseOutcome')}>
          <span>{t('panel.chooseOutcome')}</span>
          {ServiceOutcomeSchema.options.map((outcome) => (
            <button
              key={outcome}
              type="button"
              className="big"
              data-outcome={outcome}
              disabled={busy !== null}
              onClick={() => act({ action: 'finish', outcome })}
            >
              {t(`outcome.${outcome}`)}
            </button>
          ))}
          <button type="button" onClick={() => setChoosing(null)}>
            {t('common.cancel')}
          </button>
        </div>
      )}
      {choosing === 'pause' && (
        <div className="panel-choice" role="group" aria-label={t('panel.chooseReason')}>
          <span>{t('panel.chooseReason')}</span>
          {PauseReasonSchema.options.map((reason) => (
            <button
              key={reason}
              type="button"
              className="big"
              data-reason={reason}
              disabled={busy !== null}
              onClick={() => act({ action: 'pause', reason })}
            >
              {t(`pauseReason.${reason}`)}
            </button>
          ))}
          <button type="button" onClick={() => setChoosing(null)}>
            {t('common.cancel')}
          </button>
        </div>
      )}

      <div className="panel-lower">
        <table className="data-table">
          <caption>{t('panel.waitingByService')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('departments.service')}</th>
              <th scope="col" className="num">
                {t('queue.waiting')}
              </th>
            </tr>
          </thead>
          <tbody>
            {waitingRows(state).map((r) => (
              <tr key={r.serviceCode} data-service-code={r.serviceCode}>
                <th scope="row">{serviceName(lang, r.serviceCode, session.info.services)}</th>
                <td className="num">{r.waiting}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {state.lastFinished && (
          <p className="muted">
            {t(state.lastFinished.rated ? 'panel.lastFinishedRated' : 'panel.lastFinished', {
              number: state.lastFinished.number,
              time: formatTime(lang, state.lastFinished.finishedAt, false),
            })}
          </p>
        )}
      </div>
    </div>
  );
}
