import { type Interaction, InteractionResponseSchema } from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { useApiQuery } from '../api/useApiQuery';
import { followLink } from '../app/router';
import { formatDateTime, formatDuration, formatTime, useT } from '../i18n/i18n';
import { serviceName } from '../queue/format';
import { useCounterNames, useDepartmentNames } from '../store/names';
import { useStore } from '../store/store';
import { interactionPath } from './api';
import { RatingText, ReasonChips } from './parts';
import { DecisionForm, FlagInteraction, FlagsAndDecisions } from './ReviewDecisions';
import { ReviewRecording } from './ReviewRecording';

export function ReviewPlayer({ interactionId }: { interactionId: number }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const { data, error, setData } = useApiQuery(interactionPath(interactionId), InteractionResponseSchema);
  const interaction = data?.interaction;
  const changed = (next: Interaction): void => setData({ interaction: next });

  const back = (
    <a href="/reviews" className="button-link" onClick={(e) => followLink(e, '/reviews')}>
      ← {t('reviews.back')}
    </a>
  );
  if (!interaction) {
    return (
      <section className="page" data-interaction-id={interactionId}>
        {back}
        {error !== null ? (
          <p className="error" role="alert">
            {describeError(lang, error)}
          </p>
        ) : (
          <p className="muted">{t('common.loading')}</p>
        )}
      </section>
    );
  }

  return (
    <section
      className="page review-player"
      aria-labelledby="review-title"
      data-interaction-id={interaction.id}
      data-review={interaction.review}
    >
      <header className="page-header">
        {back}
        <h2 id="review-title">{t('player.title', { ticket: interaction.ticketNumber })}</h2>
        <ReasonChips flags={interaction.flags} />
      </header>
      <div className="review-layout">
        <div className="review-media">
          <ReviewRecording interaction={interaction} />
        </div>
        <div className="review-side">
          <InteractionFacts interaction={interaction} />
          <FlagsAndDecisions interaction={interaction} />
          {interaction.flags.length > 0 ? (
            <DecisionForm interaction={interaction} onDecided={changed} />
          ) : (
            <p className="notice">{t('decision.flagFirst')}</p>
          )}
          <FlagInteraction interaction={interaction} onFlagged={changed} />
        </div>
      </div>
    </section>
  );
}

function InteractionFacts({ interaction: i }: { interaction: Interaction }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const counterNames = useCounterNames();
  const departmentNames = useDepartmentNames();
  const time = (at: number | null): string => (at === null ? '–' : formatTime(lang, at));
  return (
    <dl className="facts interaction-facts">
      <dt>{t('common.department')}</dt>
      <dd>{departmentNames[i.departmentId] ?? i.departmentId}</dd>
      <dt>{t('common.counter')}</dt>
      <dd data-fact="counter">{counterNames[i.counterId] ?? i.counterId}</dd>
      <dt>{t('reviews.officer')}</dt>
      <dd data-fact="officer" data-officer-id={i.officer?.id}>
        {i.officer
          ? t('reviews.officerBadge', { name: i.officer.displayName, badge: i.officer.badgeNumber })
          : t('reviews.noOfficer')}
      </dd>
      <dt>{t('reviews.ticket')}</dt>
      <dd data-fact="ticket">{i.ticketNumber}</dd>
      <dt>{t('reviews.service')}</dt>
      <dd>{serviceName(lang, i.serviceCode)}</dd>
      <dt>{t('reviews.date')}</dt>
      <dd>{formatDateTime(lang, i.startedAt)}</dd>
      <dt>{t('reviews.timesLabel')}</dt>
      <dd>
        {t('reviews.times', {
          issued: time(i.issuedAt),
          called: time(i.calledAt),
          started: time(i.startedAt),
          finished: time(i.finishedAt),
        })}
      </dd>
      <dt>{t('reviews.wait')}</dt>
      <dd>{i.waitSeconds === null ? '–' : formatDuration(i.waitSeconds)}</dd>
      <dt>{t('reviews.serviceTime')}</dt>
      <dd>{formatDuration(i.serviceSeconds)}</dd>
      <dt>{t('reviews.outcome')}</dt>
      <dd>{t(`outcome.${i.outcome}`)}</dd>
      <dt>{t('reviews.rating')}</dt>
      <dd data-fact="rating">
        <RatingText rating={i.rating} />
        {i.ratingComment && (
          <>
            {' '}
            <q className="alert-note">{i.ratingComment}</q>
          </>
        )}
      </dd>
      <dt>{t('reviews.state')}</dt>
      <dd data-fact="review-state">{t(`reviewState.${i.review}`)}</dd>
      <dt>{t('decision.keep')}</dt>
      <dd data-fact="keep">{i.keep ? t('common.yes') : t('common.no')}</dd>
    </dl>
  );
}
