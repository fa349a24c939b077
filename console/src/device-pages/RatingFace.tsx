import type { Rating } from '@counterwatch/shared';

/** A face drawn in SVG (no emoji: they look different on every kiosk OS, or not at all). */
export function RatingFace({ rating }: { rating: Rating }) {
  const mouth =
    rating === 'satisfied'
      ? 'M20 40 Q32 52 44 40'
      : rating === 'neutral'
        ? 'M21 43 H43'
        : 'M20 46 Q32 34 44 46';
  return (
    <svg viewBox="0 0 64 64" className="rating-face" aria-hidden="true">
      <circle cx="32" cy="32" r="28" fill="none" stroke="currentColor" strokeWidth="4" />
      <circle cx="23" cy="25" r="3.5" fill="currentColor" />
      <circle cx="41" cy="25" r="3.5" fill="currentColor" />
      <path d={mouth} fill="none" stroke="currentColor" strokeWidth="4" strokeLinecap="round" />
    </svg>
  );
}
