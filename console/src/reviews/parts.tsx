import type { Interaction } from '@counterwatch/shared';
import { useT } from '../i18n/i18n';

/** Small pieces shared by the review queue, the complaint form, the player and the flag forms. */

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

/**
 * Why a service is flagged: the one note FlagNow and FlagInteraction both ask
 * for (FlagInteractionSchema allows 1000 characters). The decision and
 * complaint texts differ (label, size, limit, focus), so they keep their own.
 */
export function FlagNoteField({ note, onChange }: { note: string; onChange: (note: string) => void }) {
  const t = useT();
  return (
    <label className="field">
      {t('flag.note')}
      <textarea
        name="note"
        rows={2}
        maxLength={1000}
        required
        autoFocus
        value={note}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}
