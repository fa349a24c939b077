import type { StaffingAdviceItem } from '@counterwatch/shared';
import type { Lang } from '../i18n/lang';
import { translate } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { formatNumber } from '../i18n/numbers';
import { formatPercent, serviceName } from '../queue/format';

const MAX_OVERTIME_HOURS = 3;

/** "Thứ Bảy 05/09". */
export function dayName(lang: Lang, day: string, weekday: number): string {
  const [, m, d] = day.split('-');
  return `${translate(lang, `staffing.weekday.${weekday}` as MessageKey)} ${d ?? ''}/${m ?? ''}`;
}

/** A service named inside a sentence: "cấp, đổi thẻ căn cước". */
function serviceInSentence(lang: Lang, code: string): string {
  const name = serviceName(lang, code);
  return lang === 'vi' ? name.charAt(0).toLocaleLowerCase('vi') + name.slice(1) : name;
}

/** One piece of advice in the words a unit's leader uses. */
export function adviceText(
  lang: Lang,
  item: StaffingAdviceItem,
  targetMinutes: number,
  counters: number,
): string {
  const day = dayName(lang, item.day, item.weekday);
  const service = serviceInSentence(lang, item.serviceCode);
  if (item.kind === 'extend_hours') {
    // More than a few hours of overtime is no plan: say the backlog cannot be cleared that way.
    const key =
      item.toHour - item.fromHour > MAX_OVERTIME_HOURS
        ? 'staffing.advice.overflow'
        : 'staffing.advice.extend';
    return translate(lang, key, {
      day,
      to: formatNumber(lang, item.toHour),
      citizens: Math.round(item.citizens), // a forecast: whole citizens, a number for the plural
      service,
    });
  }
  const extra =
    item.extraMin === item.extraMax
      ? formatNumber(lang, item.extraMax)
      : `${formatNumber(lang, item.extraMin)}–${formatNumber(lang, item.extraMax)}`;
  const text = translate(lang, 'staffing.advice.extra', {
    day,
    from: formatNumber(lang, item.fromHour),
    to: formatNumber(lang, item.toHour),
    extra,
    service,
    fromCounters: formatNumber(lang, item.fromCounters),
    toCounters: formatNumber(lang, item.toCounters),
    share: formatPercent(lang, item.shareAdvised),
    current: formatPercent(lang, item.shareActual),
    minutes: targetMinutes,
  });
  return item.toCounters > counters
    ? `${text} ${translate(lang, 'staffing.advice.capacity', { counters })}`
    : text;
}
