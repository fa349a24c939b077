import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatMinutes, formatPercent } from '../queue/format';
import { translate } from './i18n';
import { formatNumber, formatShare } from './numbers';

describe('the one number formatter', () => {
  it('writes Vietnamese numbers: comma for decimals, dot for thousands', () => {
    expect(formatNumber('vi', 4.5, 1)).toBe('4,5');
    expect(formatNumber('vi', 1234567.25, 2)).toBe('1.234.567,25');
    expect(formatNumber('vi', 0, 1, { fixed: true })).toBe('0,0');
    expect(formatNumber('vi', 2.04, 1)).toBe('2');
    expect(formatShare('vi', 0.853)).toBe('85%');
    expect(formatShare('vi', 0.1234, 1)).toBe('12,3%');
    // English, when chosen, the English way throughout.
    expect(formatNumber('en', 1234.5, 1)).toBe('1,234.5');
  });

  it('gives minutes, shares and numbers in messages the same separators', () => {
    expect(formatMinutes('vi', 270)).toBe(translate('vi', 'unit.minutes', { n: '4,5' }));
    expect(formatPercent('vi', 0)).toBe('0%');
    // Loss in the focus view's statistics: "0,0%" next to "4,5 phút", never "0.0%".
    expect(
      translate('vi', 'focus.stats', {
        kbps: 1234,
        fps: 25,
        loss: formatNumber('vi', 0, 1, { fixed: true }),
      }),
    ).toBe('1.234 kbps · 25 khung/giây · mất gói 0,0%');
    expect(translate('vi', 'audit.count', { count: 12000 })).toBe('12.000 bản ghi, mới nhất trước');
    expect(translate('vi', 'unit.minutes', { n: 4.5 })).toBe(translate('vi', 'unit.minutes', { n: '4,5' }));
    // Record numbers are names, not quantities: no thousands dot in "#1234".
    expect(translate('vi', 'alerts.reopenOf', { id: 1234 })).toContain('#1234');
  });

  it('is the only place numbers are formatted (no toFixed, toLocaleString or NumberFormat elsewhere)', () => {
    const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
          const text = fs.readFileSync(file, 'utf8');
          if (
            /\.toFixed\(|\.toLocaleString\(|\bNumberFormat\(/.test(text) &&
            !file.endsWith(path.join('i18n', 'numbers.ts'))
          )
            offenders.push(path.relative(src, file));
        }
      }
    };
    walk(src);
    expect(offenders).toEqual([]);
  });
});
