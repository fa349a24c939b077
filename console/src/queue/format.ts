import { serviceInfo, type ExpectedWait, type Service } from '@counterwatch/shared';
import { translate, type Lang } from '../i18n/i18n';
import { formatNumber, formatShare } from '../i18n/numbers';

export { formatNumber } from '../i18n/numbers';

/**
 * Formatting of queue facts, shared by the wall, the focus view, the
 * department panel and the device pages. `null` means "no data yet": shown as a dash.
 */
export const NO_DATA = '–';

/** "≈ 12 phút", "< 1 phút", "tăng không giới hạn" (arrivals outpace service) or "chưa đủ dữ liệu". */
export function formatExpectedWait(lang: Lang, wait: ExpectedWait): string {
  switch (wait.kind) {
    case 'finite':
      return wait.seconds < 60
        ? translate(lang, 'wait.underMinute')
        : translate(lang, 'wait.approx', { minutes: Math.round(wait.seconds / 60) });
    case 'unbounded':
      return translate(lang, 'wait.unbounded');
    case 'unknown':
      return translate(lang, 'wait.unknown');
  }
}

/** Seconds as minutes for averages: "4,5 phút" / "4.5 min"; one decimal below ten minutes. */
export function formatMinutes(lang: Lang, seconds: number | null): string {
  if (seconds === null) return NO_DATA;
  const minutes = seconds / 60;
  return translate(lang, 'unit.minutes', { n: formatNumber(lang, minutes, minutes < 10 ? 1 : 0) });
}

/** A 0–1 share as "85 %" in the viewer's language. */
export function formatPercent(lang: Lang, share: number | null): string {
  if (share === null) return NO_DATA;
  return formatShare(lang, share);
}

/** A service's name in the UI language, from the device's list when given, else the built-in one; else its code. */
export function serviceName(lang: Lang, code: string, services?: readonly Service[]): string {
  const service = services?.find((s) => s.code === code) ?? serviceInfo(code);
  if (!service) return code;
  return lang === 'vi' ? service.vi : service.en;
}

/** Seconds since `since` on the server's clock (the browser's may be off). */
export function elapsedSeconds(since: number, serverOffsetMs: number, now = Date.now()): number {
  return Math.max(0, (now + serverOffsetMs - since) / 1000);
}

/** Utilisation ρ = λ / (c·μ) of a service, or null when no counter serves it. */
export function utilisation(
  arrivalsPerHour: number,
  meanServiceSeconds: number,
  counters: number,
): number | null {
  if (counters <= 0) return null;
  return (arrivalsPerHour * meanServiceSeconds) / 3600 / counters;
}
