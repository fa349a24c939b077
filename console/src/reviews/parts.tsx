import type { Interaction } from '@counterwatch/shared';
import { useT } from '../i18n/i18n';

/** Small pieces shared by the review queue, the complaint form and the player. */

export function RatingText({ rating }: { rating: Interaction['rating'] }) {
  const t = useT();
  if (rating === null) return <span className="muted">{t('reviews.notRated')}</span>;
  return (
    <span className={`rating-text rating-${rating}`} data-rating={rating}>
      {t(`rating.${rating}`)}
    </span>
  );
}

/** Each reason once, in the order first raised. */
export function ReasonChips({ flags }: { flags: Interaction['flags'] }) {
  const t = useT();
  const reasons = [...new Set(flags.map((f) => f.reason))];
  return (
    <span className="chips">
      {reasons.map((r) => (
        <span key={r} className={`chip reason-${r}`} data-reason={r}>
          {t(`reason.${r}`)}
        </span>
      ))}
    </span>
  );
}
