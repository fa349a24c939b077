import { describe, expect, it } from 'vitest';
import { Random } from './random.js';
import { TimeQueue } from './TimeQueue.js';

describe('TimeQueue', () => {
  it('pops by time, ties in insertion order', () => {
    const q = new TimeQueue<string>();
    q.push(5, 'e1');
    q.push(1, 'a');
    q.push(5, 'e2');
    q.push(3, 'c');
    q.push(5, 'e3');
    expect(q.peekTime()).toBe(1);
    const out: string[] = [];
    for (let e = q.pop(); e !== undefined; e = q.pop()) out.push(e.item);
    expect(out).toEqual(['a', 'c', 'e1', 'e2', 'e3']);
    expect(q.size).toBe(0);
    expect(q.peekTime()).toBeUndefined();
  });

  it('sorts random input like a stable sort', () => {
    const r = new Random(9);
    const q = new TimeQueue<number>();
    const input = Array.from({ length: 2000 }, (_, i) => ({ t: r.int(0, 100), i }));
    for (const { t, i } of input) q.push(t, i);
    const expected = [...input].sort((a, b) => a.t - b.t || a.i - b.i).map((x) => x.i);
    const out: number[] = [];
    for (let e = q.pop(); e !== undefined; e = q.pop()) out.push(e.item);
    expect(out).toEqual(expected);
  });
});
