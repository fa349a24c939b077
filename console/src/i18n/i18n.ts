import {
  isPluralElement,
  isSelectElement,
  type MessageFormatElement,
} from '@formatjs/icu-messageformat-parser';
import { IntlMessageFormat, type Formatters } from 'intl-messageformat';
import { useStore } from '../store/store';
import { localeOf, type Lang } from './lang';
import { formatNumber, numberFormat } from './numbers';
import { en, vi, type MessageKey } from './messages';

export { LANGS, localeOf, type Lang } from './lang';

/** All times are shown in the departments' zone, whatever the viewer's machine says. */
export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

const catalogs: Record<Lang, Record<MessageKey, string>> = { vi, en };

/** Parameters that name a record (#1234), not a quantity: never grouped by thousands. */
const IDENTIFIERS: ReadonlySet<string> = new Set(['id', 'seq', 'head', 'number']);

/** How a bare number is written: as `formatNumber(lang, value, 2)` does ("1.234", "4,5"). */
const PLAIN_NUMBER: Intl.NumberFormatOptions = { maximumFractionDigits: 2 };

/**
 * The library's number formats come from numbers.ts (the console's one number
 * formatter), so a plural's `#` reads "1.234" in Vietnamese and "1,234" in
 * English, exactly like a number filled into `{count}`.
 */
function formattersOf(lang: Lang): Formatters {
  const pluralRules = new Map<string, Intl.PluralRules>();
  return {
    getNumberFormat: (_locales, options) => numberFormat(lang, options ?? PLAIN_NUMBER),
    getDateTimeFormat: (...args) => new Intl.DateTimeFormat(...args),
    getPluralRules: (_locales, options) => {
      const type = options?.type ?? 'cardinal';
      let rules = pluralRules.get(type);
      if (!rules) {
        rules = new Intl.PluralRules(localeOf(lang), { type });
        pluralRules.set(type, rules);
      }
      return rules;
    },
  };
}

interface Compiled {
  message: IntlMessageFormat;
  /** Arguments that choose a branch (`{count, plural, …}`, `{x, select, …}`): passed on as they are. */
  selectors: ReadonlySet<string>;
}

/** The names of the plural and select arguments anywhere in a message, branches included. */
function selectorsOf(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const el of elements) {
    if (isPluralElement(el) || isSelectElement(el)) {
      into.add(el.value);
      for (const option of Object.values(el.options)) selectorsOf(option.value, into);
    }
  }
  return into;
}

const formatters: Record<Lang, Formatters> = { vi: formattersOf('vi'), en: formattersOf('en') };
const compiled: Record<Lang, Map<string, Compiled>> = { vi: new Map(), en: new Map() };

/**
 * An ICU message (https://formatjs.github.io/docs/core-concepts/icu-syntax) made
 * ready to format in a language. Tags are off: `<` is just a character in our strings.
 */
export function compileMessage(lang: Lang, source: string): Compiled {
  const message = new IntlMessageFormat(source, localeOf(lang), undefined, {
    formatters: formatters[lang],
    ignoreTag: true,
  });
  return { message, selectors: selectorsOf(message.getAst()) };
}

function compiledOf(lang: Lang, key: MessageKey): Compiled {
  let entry = compiled[lang].get(key);
  if (!entry) {
    entry = compileMessage(lang, catalogs[lang][key]);
    compiled[lang].set(key, entry);
  }
  return entry;
}

/**
 * The message with its parameters filled: `{name}` placeholders and ICU plurals
 * (`{count, plural, one {# counter} other {# counters}}`).
 *
 * Numbers are written in the language's format ("1.234", "4,5"). A number given
 * for a plain `{count}` is formatted here, before the library sees it, rather than
 * by `{count, number}` in the messages: then no message can forget it, a caller may
 * pass a number or text it formatted itself ("4,5", "12–14"), and a parameter that
 * names a record (`#{id}`) is left ungrouped by its name alone. A plural's count
 * stays a number (its rule picks the branch); its `#` uses the same format.
 */
export function translate(lang: Lang, key: MessageKey, params?: Record<string, string | number>): string {
  try {
    const { message, selectors } = compiledOf(lang, key);
    const values: Record<string, string | number> = {};
    for (const [name, value] of Object.entries(params ?? {})) {
      values[name] =
        typeof value === 'number' && !selectors.has(name) && !IDENTIFIERS.has(name)
          ? formatNumber(lang, value, 2)
          : value;
    }
    const text = message.format<string>(values);
    return Array.isArray(text) ? text.join('') : text;
  } catch {
    // A parameter the caller did not give: show the message as written ("{name}" and all)
    // rather than break the page, as the console always did.
    return catalogs[lang][key];
  }
}

/** `const t = useT(); t('wall.title')` — re-renders only when the language changes. */
export function useT(): (key: MessageKey, params?: Record<string, string | number>) => string {
  const lang = useStore((s) => s.lang);
  return (key, params) => translate(lang, key, params);
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();

export function formatTime(lang: Lang, epochMs: number, withSeconds = true): string {
  const key = `${lang}-${withSeconds}`;
  let format = timeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(localeOf(lang), {
      timeZone: TIME_ZONE,
      hour: '2-digit',
      minute: '2-digit',
      ...(withSeconds ? { second: '2-digit' } : {}),
      hour12: false,
    });
    timeFormats.set(key, format);
  }
  return format.format(epochMs);
}

export function formatDateTime(lang: Lang, epochMs: number): string {
  return new Intl.DateTimeFormat(localeOf(lang), {
    timeZone: TIME_ZONE,
    dateStyle: 'short',
    timeStyle: 'medium',
  }).format(epochMs);
}

/** "3:05" or "1:02:07" for durations in seconds. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(r).padStart(2, '0')}`;
}

/** Asia/Ho_Chi_Minh is UTC+7 all year (no daylight saving), so day boundaries are plain arithmetic. */
const ZONE_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;

/** Midnight (in the departments' zone) of the day containing `epochMs`. */
export function startOfLocalDay(epochMs: number): number {
  return Math.floor((epochMs + ZONE_OFFSET_MS) / DAY_MS) * DAY_MS - ZONE_OFFSET_MS;
}

/** "2025-03-14" for an `<input type="date">`, in the departments' zone. */
export function localDateValue(epochMs: number): string {
  return new Date(epochMs + ZONE_OFFSET_MS).toISOString().slice(0, 10);
}

/** Midnight in the departments' zone of a "YYYY-MM-DD" date, or null when it is not one. */
export function parseLocalDate(value: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const utc = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(utc) ? null : utc - ZONE_OFFSET_MS;
}

/** "2025-03-14T09:30" for an `<input type="datetime-local">`, in the departments' zone. */
export function localDateTimeValue(epochMs: number): string {
  return new Date(epochMs + ZONE_OFFSET_MS).toISOString().slice(0, 16);
}

/**
 * A `datetime-local` value read as a time in the departments' zone (whatever
 * the viewer's machine says), or null when it is not one. Seconds are optional.
 */
export function parseLocalDateTime(value: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  const utc = Date.UTC(Number(y), month - 1, day, hour, minute, second);
  // Date.UTC rolls 31 February over into March: such a date is not one.
  if (new Date(utc).getUTCDate() !== day) return null;
  return utc - ZONE_OFFSET_MS;
}

export function formatDate(lang: Lang, epochMs: number): string {
  return new Intl.DateTimeFormat(localeOf(lang), { timeZone: TIME_ZONE, dateStyle: 'short' }).format(epochMs);
}
