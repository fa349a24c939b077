import { useState } from 'react';
import { auditPlaceVi, MediaTrackSchema, type AuditEntry, type AuditNames } from '@counterwatch/shared';
import { can } from '../app/roles';
import { followLink } from '../app/router';
import { formatDateTime, formatTime, useT } from '../i18n/i18n';
import { formatNumber } from '../queue/format';
import { useStore } from '../store/store';
import { detailText } from './auditQuery';
import { OBJECT_TYPES, type ObjectType } from './messages';
import type { ViewSession } from './viewSessions';

const COLUMNS = 8;

function isObjectType(type: string): type is ObjectType {
  return OBJECT_TYPES.some((t) => t === type);
}

/** "Nguyễn Văn An (thanhtra)": the person first, the account beside. */
function ActorCell({ actor, names }: { actor: string; names: AuditNames }) {
  const name = names.actor(actor);
  if (name === undefined || name === actor) return <td>{actor}</td>;
  return (
    <td>
      {name} <span className="muted">({actor})</span>
    </td>
  );
}

/** One row of the trail, in words: no stream ids or English codes. */
export function AuditRow({
  entry,
  bad,
  names,
  nested = false,
}: {
  entry: AuditEntry;
  bad: boolean;
  names: AuditNames;
  nested?: boolean;
}) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const canReview = useStore((s) => can(s.user, 'review'));
  const canInspect = useStore((s) => can(s.user, 'inspect'));
  const details = Object.entries(entry.details);

  // Records the director can open themselves link to their page; the auditor reads the trail only.
  const numericId = entry.objectId !== null && /^\d+$/.test(entry.objectId) ? entry.objectId : null;
  const objectHref =
    numericId === null
      ? null
      : entry.objectType === 'interaction' && canReview
        ? `/reviews/${numericId}`
        : entry.objectType === 'inspection' && canInspect
          ? `/inspections/${numericId}`
          : null;
  const typeLabel =
    entry.objectType === null
      ? ''
      : isObjectType(entry.objectType)
        ? t(`audit.object.${entry.objectType}`)
        : entry.objectType;
  const track = MediaTrackSchema.safeParse(entry.details.track);
  const objectLabel =
    entry.objectType === null
      ? ''
      : entry.objectType === 'consumer'
        ? // A live stream's id means nothing to a reader; which picture it was does.
          `${typeLabel}${track.success ? ` (${t(`audit.track.${track.data}`)})` : ''}`
        : `${typeLabel} ${numericId === null ? (entry.objectId ?? '') : `#${numericId}`}`.trim();

  return (
    <tr
      data-audit-seq={entry.seq}
      data-audit-action={entry.action}
      className={[bad ? 'audit-bad' : '', nested ? 'audit-nested' : ''].join(' ').trim() || undefined}
      data-audit-bad={bad || undefined}
    >
      <td className="num">{entry.seq}</td>
      <td>{formatDateTime(lang, entry.at)}</td>
      <ActorCell actor={entry.actor} names={names} />
      <td className="mono">{entry.ip ?? '–'}</td>
      <td>
        {t(`audit.action.${entry.action}`)}
        {details.length > 0 && (
          <details className="audit-details">
            <summary>{t('audit.details')}</summary>
            <dl>
              {details.map(([key, value]) => (
                <div key={key}>
                  <dt>
                    {key === 'track'
                      ? t('audit.detail.track')
                      : key === 'query'
                        ? t('audit.detail.query')
                        : key}
                  </dt>
                  <dd>
                    {key === 'track' && track.success ? t(`audit.track.${track.data}`) : detailText(value)}
                  </dd>
                </div>
              ))}
            </dl>
          </details>
        )}
      </td>
      <td>{auditPlaceVi(entry, names) ?? '–'}</td>
      <td>
        {objectHref ? (
          <a href={objectHref} onClick={(e) => followLink(e, objectHref)}>
            {objectLabel}
          </a>
        ) : (
          objectLabel || '–'
        )}
      </td>
      <td>{entry.reason ?? ''}</td>
    </tr>
  );
}

/**
 * A viewing session on one line — "Xem trực tiếp Quầy 1 — Phường Hoàn Kiếm,
 * 10:02–10:17 (15 phút)" — that opens onto its start/stop rows.
 */
export function SessionRows({
  session,
  badSeq,
  names,
}: {
  session: ViewSession;
  badSeq: number | null;
  names: AuditNames;
}) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const [open, setOpen] = useState(false);
  const { newest, oldest } = session;
  const place = auditPlaceVi(session, names) ?? '–';
  const from = formatTime(lang, session.from, false);
  const minutes = session.to === null ? 0 : Math.round((session.to - session.from) / 60_000);
  const span =
    session.to === null
      ? t('audit.session.open', { from })
      : t(minutes < 1 ? 'audit.session.spanShort' : 'audit.session.span', {
          from,
          to: formatTime(lang, session.to, false),
          minutes: formatNumber(lang, minutes),
        });
  const bad = badSeq !== null && session.entries.some((e) => e.seq === badSeq);
  const childrenId = `audit-session-${newest.seq}`;
  return (
    <>
      <tr
        className={['audit-session', bad ? 'audit-bad' : ''].join(' ').trim()}
        data-audit-session={session.kind}
        data-audit-session-rows={session.entries.length}
        data-audit-bad={bad || undefined}
      >
        <td className="num">{oldest.seq === newest.seq ? newest.seq : `${oldest.seq}–${newest.seq}`}</td>
        <td>{formatDateTime(lang, session.from)}</td>
        <ActorCell actor={session.actor} names={names} />
        <td className="mono">{newest.ip ?? '–'}</td>
        <td colSpan={2}>
          <span data-audit-session-text>
            {t(session.kind === 'audio' ? 'audit.session.audio' : 'audit.session.view', { place })}, {span}
          </span>
        </td>
        <td colSpan={COLUMNS - 6}>
          <button
            type="button"
            className="link-button"
            aria-expanded={open}
            aria-controls={childrenId}
            onClick={() => setOpen((o) => !o)}
            data-action="expand-session"
          >
            {open ? t('audit.session.collapse') : t('audit.session.expand')} (
            {t('audit.session.rows', { count: session.entries.length })})
          </button>
        </td>
      </tr>
      {open &&
        session.entries.map((entry) => (
          <AuditRow key={entry.seq} entry={entry} bad={badSeq === entry.seq} names={names} nested />
        ))}
    </>
  );
}
