import {
  isArgumentElement,
  isDateElement,
  isLiteralElement,
  isNumberElement,
  isPluralElement,
  isSelectElement,
  isTagElement,
  isTimeElement,
  type MessageFormatElement,
} from '@formatjs/icu-messageformat-parser';
import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { compileMessage, localDateTimeValue, parseLocalDateTime, translate } from './i18n';
import { localeOf, type Lang } from './lang';
import { en, vi, type MessageKey } from './messages';

describe('parseLocalDateTime', () => {
  it('reads a datetime-local value as Vietnam time (UTC+7), whatever the machine says', () => {
    expect(parseLocalDateTime('2025-03-14T09:30')).toBe(Date.UTC(2025, 2, 14, 2, 30));
    expect(parseLocalDateTime('2025-03-14T00:15:20')).toBe(Date.UTC(2025, 2, 13, 17, 15, 20));
  });

  it('refuses what is not a date and time', () => {
    expect(parseLocalDateTime('')).toBeNull();
    expect(parseLocalDateTime('2025-03-14')).toBeNull();
    expect(parseLocalDateTime('2025-02-30T10:00')).toBeNull();
    expect(parseLocalDateTime('2025-03-14T24:00')).toBeNull();
  });

  it('round-trips with localDateTimeValue to the minute', () => {
    const at = Date.UTC(2025, 11, 31, 20, 5, 42);
    expect(localDateTimeValue(at)).toBe('2026-01-01T03:05');
    expect(parseLocalDateTime(localDateTimeValue(at))).toBe(Date.UTC(2025, 11, 31, 20, 5));
  });
});

const catalogs: Record<Lang, Record<string, string>> = { vi, en };

/** The argument names of a parsed message, branches of plurals and selects included. */
function argumentNames(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const el of elements) {
    if (
      isArgumentElement(el) ||
      isNumberElement(el) ||
      isDateElement(el) ||
      isTimeElement(el) ||
      isPluralElement(el) ||
      isSelectElement(el)
    )
      into.add(el.value);
    if (isPluralElement(el) || isSelectElement(el))
      for (const option of Object.values(el.options)) argumentNames(option.value, into);
    if (isTagElement(el)) argumentNames(el.children, into);
  }
  return into;
}

describe('messages', () => {
  it('has every string in both languages', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(vi).sort());
  });

  it('compiles every message in both languages as ICU MessageFormat', () => {
    const broken: string[] = [];
    for (const lang of ['vi', 'en'] as const) {
      for (const [key, text] of Object.entries(catalogs[lang])) {
        try {
          new IntlMessageFormat(text, localeOf(lang), undefined, { ignoreTag: true });
        } catch (e) {
          broken.push(`${lang} ${key}: ${String(e)}`);
        }
      }
    }
    expect(broken).toEqual([]);
    // The check bites: an unclosed brace or an empty plural does not compile.
    expect(() => new IntlMessageFormat('{count quầy', 'vi')).toThrow();
    expect(() => new IntlMessageFormat('{n, plural, one {# x}}', 'en')).toThrow();
  });

  it('has the same arguments in both languages', () => {
    for (const [key, text] of Object.entries(vi)) {
      const names = (lang: Lang, source: string): string[] =>
        [...argumentNames(compileMessage(lang, source).message.getAst())].sort();
      expect(names('en', catalogs.en[key] ?? ''), key).toEqual(names('vi', text));
    }
  });

  it('reads apostrophes and braces as written (no ICU quoting swallows text or a placeholder)', () => {
    // A plain message filled by the library reads as the same message filled by hand,
    // so "today's" keeps its apostrophe and "'{name}'" would fail here.
    const fill = (text: string): string =>
      text.replace(/''/g, "'").replace(/\{(\w+)\}/g, (_, name: string) => `<${name}>`);
    for (const lang of ['vi', 'en'] as const) {
      for (const [key, text] of Object.entries(catalogs[lang])) {
        const { message } = compileMessage(lang, text);
        const ast = message.getAst();
        if (!ast.every((el) => isLiteralElement(el) || isArgumentElement(el))) continue;
        const values = Object.fromEntries([...argumentNames(ast)].map((name) => [name, `<${name}>`]));
        expect(message.format<string>(values), `${lang} ${key}`).toBe(fill(text));
      }
    }
    expect(translate('en', 'departments.historyError', { message: 'x' })).toBe(
      "Could not load today's history: x",
    );
  });
});

describe('translate', () => {
  it("writes numbers in the language's format, up to two decimals", () => {
    expect(translate('vi', 'audit.session.rows', { count: 12345.678 })).toBe('12.345,68 dòng');
    expect(translate('vi', 'unit.minutes', { n: 4.5 })).toBe('4,5 phút');
    expect(translate('en', 'unit.minutes', { n: 1234.5 })).toBe('1,234.5 min');
    // Text a caller formatted itself is left as it is.
    expect(translate('vi', 'unit.minutes', { n: '4,5' })).toBe('4,5 phút');
  });

  it('never groups a number that names a record', () => {
    expect(translate('vi', 'alerts.reopenOf', { id: 12345 })).toContain('#12345 ');
    expect(translate('en', 'audit.integrity.ok', { checked: 12345, head: 12345 })).toContain(
      '(newest #12345)',
    );
    expect(translate('vi', 'rating.ticket', { number: 1234 })).toBe('Số thứ tự 1234');
    expect(translate('en', 'report.title', { id: 1001 })).toBe('Unannounced inspection report no. 1001');
  });

  it('gives English counts their plural form, and Vietnamese none', () => {
    expect(translate('en', 'wall.counters', { count: 1 })).toBe('1 counter');
    expect(translate('en', 'wall.counters', { count: 0 })).toBe('0 counters');
    expect(translate('en', 'wall.counters', { count: 1234 })).toBe('1,234 counters');
    expect(translate('vi', 'wall.counters', { count: 1234 })).toBe('1.234 quầy');
    expect(
      translate('en', 'admin.dir.imported', {
        departmentsCreated: 1,
        departmentsUpdated: 2,
        countersCreated: 2,
        countersUpdated: 1,
      }),
    ).toBe('Imported: 1 new department, 2 updated, 2 new counters, 1 updated.');
    // The record number beside a plural stays ungrouped; the count is grouped.
    expect(translate('en', 'audit.integrity.ok', { checked: 1, head: 1 })).toBe(
      'Trail intact: 1 entry checked (newest #1).',
    );
    expect(translate('en', 'audit.integrity.ok', { checked: 12345, head: 12345 })).toBe(
      'Trail intact: 12,345 entries checked (newest #12345).',
    );
  });

  it("formats a plural's # in the language's format", () => {
    const vi = compileMessage('vi', '{n, plural, other {# quầy}}').message;
    expect(vi.format({ n: 1234.5 })).toBe('1.234,5 quầy');
    const en = compileMessage('en', '{n, plural, one {# counter} other {# counters}}').message;
    expect(en.format({ n: 1 })).toBe('1 counter');
    expect(en.format({ n: 1234.567 })).toBe('1,234.57 counters');
  });

  it('shows the message as written when a parameter is missing, rather than throwing', () => {
    expect(translate('en', 'tile.open')).toBe('Open counter {name}');
    expect(translate('vi', 'reports.span', { from: 'a' })).toBe('Từ {from} đến {to}');
  });

  it('compiles a message once per language', () => {
    const parse = IntlMessageFormat.__parse;
    if (!parse) throw new Error('intl-messageformat came without its parser');
    let parsed = 0;
    IntlMessageFormat.__parse = (message, options) => {
      parsed += 1;
      return parse(message, options);
    };
    try {
      const key: MessageKey = 'wall.online';
      translate('en', key, { count: 3 });
      translate('en', key, { count: 4 });
      expect(parsed).toBe(1);
      translate('vi', key, { count: 3 });
      expect(parsed).toBe(2);
    } finally {
      IntlMessageFormat.__parse = parse;
    }
  });
});
