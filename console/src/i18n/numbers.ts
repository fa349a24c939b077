import { localeOf, type Lang } from './lang';

/**
 * The one number formatter of the console: every number a person reads goes
 * through here (in Vietnamese, Intl.NumberFormat('vi-VN'): "4,5", "1.234",
 * "85%"), so a page never mixes "4,5 phút" with "0.0%".
 */
const formats = new Map<string, Intl.NumberFormat>();

/** The shared formatter for these options; also what messages' `{n, number}` and plural `#` use. */
export function numberFormat(lang: Lang, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${lang}|${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(localeOf(lang), options);
    formats.set(key, format);
  }
  return format;
}

/**
 * "1.234", "4,5": up to `fractionDigits` decimals, or exactly that many with
 * `fixed` (a measurement shown at a constant width: "0,0").
 */
export function formatNumber(lang: Lang, value: number, fractionDigits = 0, { fixed = false } = {}): string {
  return numberFormat(lang, {
    maximumFractionDigits: fractionDigits,
    ...(fixed ? { minimumFractionDigits: fractionDigits } : {}),
  }).format(value);
}

/** A 0–1 share as a percentage: "85%", "12,5%" with one decimal. */
export function formatShare(lang: Lang, share: number, fractionDigits = 0): string {
  return numberFormat(lang, { style: 'percent', maximumFractionDigits: fractionDigits }).format(share);
}

/** A change against a previous figure, signed: "+12%", "−5%", "0%". */
export function formatChange(lang: Lang, change: number, fractionDigits = 0): string {
  return numberFormat(lang, {
    style: 'percent',
    maximumFractionDigits: fractionDigits,
    signDisplay: 'exceptZero',
  }).format(change);
}
