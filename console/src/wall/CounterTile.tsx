import { memo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Alert, AlertSeverity } from '@counterwatch/shared';
import { alertMessage } from '../alerts/alertText';
import { can } from '../app/roles';
import { useT } from '../i18n/i18n';
import { startInspection } from '../inspections/inspectionActions';
import { Elapsed } from '../queue/Elapsed';
import { ClockIcon, PeopleIcon, TicketIcon } from '../queue/icons';
import { QueueStateBadge } from '../queue/QueueStateBadge';
import { SEVERITY_RANK } from '../store/alertsSlice';
import { useStore } from '../store/store';
import { AcknowledgeButton } from './AcknowledgeButton';
import { countRender } from './renderCount';
import { StatusBadge, displayStatus } from './StatusBadge';
import { TrackVideo } from './TrackVideo';

/**
 * One counter on the wall: its picture with its queue over it. Selects only
 * its own fields, so a patch to another counter does not re-render it, and
 * the counting-up times tick without re-rendering at all. Always rendered:
 * a placeholder stands in when the counter has no picture.
 */
export const CounterTile = memo(function CounterTile({
  counterId,
  showDepartment = false,
}: {
  counterId: string;
  /** Name the department too (a grid mixing departments, where "Quầy 1" alone is ambiguous). */
  showDepartment?: boolean;
}) {
  countRender('CounterTile');
  const t = useT();
  const tile = useStore(
    useShallow((s) => {
      const c = s.counters[counterId];
      const q = c?.queue;
      const alerts = (s.alertIdsByCounter[counterId] ?? [])
        .map((id) => s.alerts[id])
        .filter((a): a is Alert => a !== undefined)
        .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
      const worst: AlertSeverity | '' = alerts[0]?.severity ?? '';
      return {
        name: c?.name ?? counterId,
        departmentName: showDepartment
          ? (s.departments.find((d) => d.id === c?.departmentId)?.name ?? '')
          : '',
        status: displayStatus(c?.media),
        hasGrid: c?.media.tracks.includes('grid') ?? false,
        queueState: q?.state ?? 'closed',
        pauseReason: q?.pauseReason ?? null,
        queueLength: q?.queueLength ?? 0,
        oldestWaitingSince: q?.oldestWaitingSince ?? null,
        servingNumber: q?.servingTicket?.number ?? '',
        servingSince: q?.servingTicket?.since ?? null,
        sourceProblem: c?.media.agent?.source?.problem ?? null,
        alertSeverity: worst,
        // The worst alert leads; every reason is in the title and for screen readers.
        alertLead: alerts[0] ? alertMessage(s.lang, alerts[0]) : '',
        alertMore: alerts.length - 1,
        alertText: alerts.map((a) => alertMessage(s.lang, a)).join(' · '),
        alertRules: alerts.map((a) => a.rule).join(' '),
        // Acknowledged alerts stay on the tile (still true) but no longer ask for attention.
        alertState: alerts.some((a) => a.state === 'open') ? 'open' : alerts.length > 0 ? 'acknowledged' : '',
        // A string, so the shallow comparison sees no change when nothing changed.
        openAlertIds: alerts
          .filter((a) => a.state === 'open')
          .map((a) => a.id)
          .join(','),
      };
    }),
  );
  const selected = useStore((s) => s.selectedCounterId === counterId);
  const focusCounter = useStore((s) => s.focusCounter);
  const selectCounter = useStore((s) => s.selectCounter);
  const canInspect = useStore((s) => can(s.user, 'inspect'));
  const canReplay = useStore((s) => can(s.user, 'review'));
  const replayCounter = useStore((s) => s.replayCounter);
  const { name, status, queueState, alertSeverity, alertText } = tile;
  const live = status === 'online' && tile.hasGrid;
  const { sourceProblem } = tile;
  // A warning shows beside a live picture; any other problem is why there is no picture.
  const soundWarning = sourceProblem === 'no_microphone' || sourceProblem === 'audio_unsupported';
  const factsId = `tile-facts-${counterId}`;
  const alertId = `tile-alert-${counterId}`;

  // The tile is one button; "Inspect" sits beside it (a button cannot hold another).
  return (
    <div className={`tile-cell${selected ? ' selected' : ''}`} data-counter-id={counterId}>
      <button
        type="button"
        className={`tile${selected ? ' selected' : ''}${alertSeverity ? ` alert-${alertSeverity}` : ''}${tile.alertState === 'acknowledged' ? ' alert-acknowledged' : ''}`}
        data-counter-id={counterId}
        data-status={status}
        data-queue-length={tile.queueLength}
        data-queue-state={queueState}
        data-serving={tile.servingNumber}
        data-alert={alertSeverity}
        data-alert-state={tile.alertState}
        data-alert-rules={tile.alertRules}
        aria-label={t('tile.open', { name })}
        aria-describedby={alertText ? `${alertId} ${factsId}` : factsId}
        title={alertText || undefined}
        tabIndex={selected ? 0 : -1}
        onClick={() => focusCounter(counterId)}
        onFocus={() => selectCounter(counterId)}
      >
        <div className="tile-media">
          {live ? (
            <TrackVideo counterId={counterId} track="grid" className="tile-video" />
          ) : (
            <div
              className="tile-placeholder"
              data-placeholder="true"
              data-source-problem={sourceProblem && !soundWarning ? sourceProblem : undefined}
            >
              <CameraOffIcon />
              <span>
                {sourceProblem && !soundWarning
                  ? t(`source.${sourceProblem}`)
                  : status === 'reconnecting'
                    ? t('status.reconnecting')
                    : status === 'refused'
                      ? t('status.refused')
                      : t('tile.noMedia')}
              </span>
            </div>
          )}
          {alertText && (
            <span className="tile-alert" data-severity={alertSeverity} data-state={tile.alertState}>
              <span className="tile-alert-lead">
                {alertSeverity && t(`severity.${alertSeverity}`)} · {tile.alertLead}
              </span>
              {tile.alertMore > 0 && (
                <span className="tile-alert-more">{t('wall.alert.more', { count: tile.alertMore })}</span>
              )}
              <span className="visually-hidden" id={alertId}>
                {alertText}
              </span>
            </span>
          )}
          <div className="tile-queue" id={factsId}>
            <QueueStateBadge state={queueState} pauseReason={tile.pauseReason} />
            <span className="tile-fact" data-fact="queue">
              <PeopleIcon />
              <span className="visually-hidden">{t('queue.waiting')}</span>
              {tile.queueLength}
            </span>
            {tile.oldestWaitingSince !== null && (
              <span className="tile-fact" data-fact="longest-wait">
                <ClockIcon />
                <span className="visually-hidden">{t('queue.longestWait')}</span>
                <Elapsed since={tile.oldestWaitingSince} />
              </span>
            )}
            {tile.servingNumber && (
              <span className="tile-fact tile-serving" data-fact="serving">
                <TicketIcon />
                <span className="visually-hidden">{t('queue.servingTicket')}</span>
                {tile.servingNumber} · <Elapsed since={tile.servingSince} />
              </span>
            )}
          </div>
        </div>
        <div className="tile-caption">
          <span
            className="tile-name"
            title={tile.departmentName ? `${tile.departmentName} · ${name}` : undefined}
          >
            {/* The department first: on a province's wall "Quầy 1" alone says nothing, and the end is cut. */}
            {tile.departmentName && (
              <span className="tile-department">{shortDepartmentName(tile.departmentName)} · </span>
            )}
            {name}
          </span>
          {live && soundWarning && (
            <span className="tile-source-problem" data-source-problem={sourceProblem}>
              <MicOffIcon />
              {t(`source.${sourceProblem}`)}
            </span>
          )}
          <StatusBadge status={status} />
        </div>
      </button>
      {tile.openAlertIds && (
        <AcknowledgeButton
          alertIds={tile.openAlertIds.split(',').map(Number)}
          className="tile-ack"
          label={t('wall.alert.acknowledgeAt', { name })}
          tabIndex={selected ? 0 : -1}
        />
      )}
      {canReplay && (
        <button
          type="button"
          className="tile-action tile-replay"
          data-action="replay"
          data-counter-id={counterId}
          aria-label={t('replay.openCounter', { name })}
          tabIndex={selected ? 0 : -1}
          onClick={() => replayCounter(counterId)}
        >
          {t('replay.open')}
        </button>
      )}
      {canInspect && (
        <button
          type="button"
          className="tile-action"
          data-action="inspect"
          data-counter-id={counterId}
          aria-label={t('inspection.inspectCounter', { name })}
          tabIndex={selected ? 0 : -1}
          onClick={() => startInspection(counterId)}
        >
          {t('inspection.inspect')}
        </button>
      )}
    </div>
  );
});

/**
 * A department's name short enough for a tile: its code when it has one
 * ("Phòng Quản lý xuất nhập cảnh (PA08)" → "PA08"), else without the
 * "Công an " every station shares ("Công an xã Tân Thạnh" → "xã Tân Thạnh").
 */
export function shortDepartmentName(name: string): string {
  const code = /\(([A-Z0-9]{2,8})\)\s*$/.exec(name)?.[1];
  if (code) return code;
  return name.replace(/^Công an\s+/i, '');
}

function MicOffIcon() {
  return (
    <svg viewBox="0 0 24 24" width="12" height="12" aria-hidden="true">
      <path
        fill="currentColor"
        d="M3.3 2.3 2 3.6l6 6V11a4 4 0 0 0 6.2 3.4l1.5 1.4A6 6 0 0 1 6 11H4a8 8 0 0 0 7 7.9V22h2v-3.1a8 8 0 0 0 4.1-1.7l3.3 3.3 1.3-1.3L3.3 2.3ZM16 11V5a4 4 0 0 0-7.6-1.7L16 10.9V11Zm2 0c0 .7-.1 1.4-.4 2l1.5 1.5A8 8 0 0 0 20 11h-2Z"
      />
    </svg>
  );
}

function CameraOffIcon() {
  return (
    <svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true">
      <path
        fill="currentColor"
        d="M3.3 2.3 2 3.6 4.4 6H4a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h11.4l3 3 1.3-1.3L3.3 2.3ZM16 10.6l4-2.6v8l-1.6-1.1L16 12.5v-1.9ZM14 8v2.6L9.4 6H12a2 2 0 0 1 2 2Z"
      />
    </svg>
  );
}
