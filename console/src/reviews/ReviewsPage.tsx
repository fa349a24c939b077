import { DepartmentSelect, CounterSelect } from '../filters/PlaceSelects';
import {
  FlagReasonSchema,
  type FlagReason,
  type Interaction,
  InteractionListSchema,
} from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { queryString } from '../api/http';
import { useApiQuery } from '../api/useApiQuery';
import { followLink, pathId, useUrlChoice, useUrlParam, usePath } from '../app/router';
import { formatDateTime, formatDuration, parseLocalDate, useT } from '../i18n/i18n';
import { serviceName } from '../queue/format';
import { useCounterNames, useDepartmentNames } from '../store/names';
import { useStore } from '../store/store';
import { ComplaintForm } from './ComplaintForm';
import { RatingText, ReasonChips } from './parts';
import { ReviewPlayer } from './ReviewPlayer';

/** `/reviews` is the queue; `/reviews/:id` one interaction in the player. */
export function ReviewsPage() {
  const id = pathId(usePath(), '/reviews');
  return id === null ? <ReviewQueue /> : <ReviewPlayer key={id} interactionId={id} />;
}

type QueueState = 'pending' | 'closed';
const QUEUE_STATES: readonly QueueState[] = ['pending', 'closed'];
const QUEUE_LIMIT = 200;

function ReviewQueue() {
  const t = useT();
  const lang = useStore((s) => s.lang);
  // The filters are in the URL: Back from a review, a reload or a shared link keep them.
  const [departmentId, setDepartmentId] = useUrlParam('department');
  const [counterId, setCounterId] = useUrlParam('counter');
  const [reason, setReason] = useUrlChoice<FlagReason | ''>('reason', FlagReasonSchema.options, '');
  const [state, setState] = useUrlChoice<QueueState>('state', QUEUE_STATES, 'pending');
  const [fromDate, setFromDate] = useUrlParam('from');
  const path = `/api/v1/reviews${queryString({
    departmentId,
    counterId,
    reason,
    state,
    from: parseLocalDate(fromDate),
    limit: QUEUE_LIMIT,
  })}`;
  const queue = useApiQuery(path, InteractionListSchema);
  const rows = queue.data?.interactions ?? [];

  return (
    <section className="page reviews-page" aria-labelledby="reviews-title">
      <header className="page-header">
        <h2 id="reviews-title">{t('reviews.title')}</h2>
        <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label={t('common.filters')}>
          <DepartmentSelect
            name="department"
            value={departmentId}
            emptyOption={t('common.all')}
            onChange={(id) => {
              setDepartmentId(id);
              setCounterId('');
            }}
          />
          <CounterSelect
            name="counter"
            departmentId={departmentId}
            value={counterId}
            emptyOption={t('common.all')}
            onChange={setCounterId}
          />
          <label>
            {t('reviews.reason')}
            <select
              name="reason"
              value={reason}
              onChange={(e) => {
                const parsed = FlagReasonSchema.safeParse(e.target.value);
                setReason(parsed.success ? parsed.data : '');
              }}
            >
              <option value="">{t('common.all')}</option>
              {FlagReasonSchema.options.map((r) => (
                <option key={r} value={r}>
                  {t(`reason.${r}`)}
                </option>
              ))}
            </select>
          </label>
          <fieldset className="segmented">
            <legend>{t('reviews.state')}</legend>
            {QUEUE_STATES.map((s) => (
              <label key={s} className={state === s ? 'checked' : ''}>
                <input
                  type="radio"
                  name="state"
                  value={s}
                  checked={state === s}
                  onChange={() => setState(s)}
                />
                {t(`reviewState.${s}`)}
              </label>
            ))}
          </fieldset>
          <label>
            {t('common.fromDate')}
            <input type="date" name="from" value={fromDate} onChange={(e) => setFromDate(e.target.value)} />
          </label>
          <button type="button" onClick={queue.reload} disabled={queue.loading}>
            {t('common.refresh')}
          </button>
        </form>
      </header>

      <ComplaintForm onFlagged={queue.reload} />

      {queue.error !== null && (
        <p className="error" role="alert">
          {describeError(lang, queue.error)}
        </p>
      )}
      <p className="muted" role="status" aria-live="polite">
        {queue.loading
          ? t('common.loading')
          : rows.length >= QUEUE_LIMIT
            ? t('reviews.countLimited', { count: rows.length })
            : t('reviews.count', { count: rows.length })}
      </p>
      {rows.length === 0 ? (
        !queue.loading && (
          <p className="empty">{state === 'pending' ? t('reviews.nonePending') : t('reviews.none')}</p>
        )
      ) : (
        <InteractionTable interactions={rows} busy={queue.loading} />
      )}
    </section>
  );
}

function InteractionTable({ interactions, busy }: { interactions: Interaction[]; busy: boolean }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const counterNames = useCounterNames();
  const departmentNames = useDepartmentNames();
  // Counters are named alike across departments ("Quầy 1"): say whose, when there is a choice.
  const showDepartment = Object.keys(departmentNames).length > 1;
  return (
    <div className="table-scroll">
      <table className="data-table review-table" aria-busy={busy}>
        <caption className="visually-hidden">{t('reviews.title')}</caption>
        <thead>
          <tr>
            {showDepartment && <th scope="col">{t('common.department')}</th>}
            <th scope="col">{t('common.counter')}</th>
            <th scope="col">{t('reviews.officer')}</th>
            <th scope="col">{t('reviews.ticket')}</th>
            <th scope="col">{t('reviews.service')}</th>
            <th scope="col">{t('reviews.time')}</th>
            <th scope="col" className="num">
              {t('reviews.wait')}
            </th>
            <th scope="col" className="num">
              {t('reviews.serviceTime')}
            </th>
            <th scope="col">{t('reviews.rating')}</th>
            <th scope="col">{t('reviews.flags')}</th>
          </tr>
        </thead>
        <tbody>
          {interactions.map((i) => {
            const href = `/reviews/${i.id}`;
            return (
              <tr key={i.id} data-interaction-id={i.id} data-review={i.review}>
                {showDepartment && <td>{departmentNames[i.departmentId] ?? i.departmentId}</td>}
                <td>{counterNames[i.counterId] ?? i.counterId}</td>
                <td data-fact="officer">{i.officer?.displayName ?? '–'}</td>
                <th scope="row">
                  <a href={href} onClick={(e) => followLink(e, href)} data-action="open-review">
                    {i.ticketNumber}
                  </a>
                </th>
                <td>{serviceName(lang, i.serviceCode)}</td>
                <td>{formatDateTime(lang, i.startedAt)}</td>
                <td className="num">{i.waitSeconds === null ? '–' : formatDuration(i.waitSeconds)}</td>
                <td className="num">{formatDuration(i.serviceSeconds)}</td>
                <td>
                  <RatingText rating={i.rating} />
                </td>
                <td>
                  <ReasonChips flags={i.flags} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
