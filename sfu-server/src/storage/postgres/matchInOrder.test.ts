import { describe, expect, it } from 'vitest';
import { matchInOrder } from './matchInOrder.js';

/** A returned row: its sequence number and its key. */
type Row = [seq: number, key: string];

/**
 * `items`: one key a letter ('aab'); `rows` as `key:seq` words ('c:12 a:10'); the answer: the sequence
 * number matched to each item ('-': none).
 */
function match(items: string, rows: string): string {
  const returned = rows
    .split(' ')
    .filter(Boolean)
    .map((word): Row => {
      const [key = '', seq = ''] = word.split(':');
      return [Number(seq), key];
    });
  return matchInOrder(items.split(''), returned, { order: (r) => r[0], item: (i) => i, row: (r) => r[1] })
    .map((r) => (r ? String(r[0]) : '-'))
    .join(' ');
}

describe('matchInOrder', () => {
  it.each([
    ['gives each item its row, whatever order the rows came back in', 'abc', 'c:12 a:10 b:11', '10 11 12'],
    ['leaves a skipped item without a row, the later rows to the later items', 'abcd', 'd:4 b:2', '- 2 - 4'],
    ['gives two items with one key, both inserted, a row each in order', 'aab', 'a:7 a:5 b:8', '5 7 8'],
    ["gives a key's row to its first item; the second (a duplicate) none", 'aab', 'a:1 b:2', '1 - 2'],
    ['answers every item when no row came back', 'ab', '', '- -'],
    ['answers nothing for no items', '', 'a:1', ''],
  ])('%s', (_what, items, rows, expected) => {
    expect(match(items, rows)).toBe(expected);
  });

  it('does not reorder the rows it was given', () => {
    const rows: Row[] = [
      [2, 'b'],
      [1, 'a'],
    ];
    matchInOrder(['a', 'b'], rows, { order: (r) => r[0], item: (i) => i, row: (r) => r[1] });
    expect(rows.map((r) => r[0])).toEqual([2, 1]);
  });
});
