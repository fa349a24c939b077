import { describe, expect, it } from 'vitest';
import type { MediaNodeRow } from '../storage/Storage.js';
import { chooseNode, type NodeHolding } from './placement.js';

const node = (name: string, capacity = 10, draining = false): MediaNodeRow => ({
  name,
  url: `http://${name}:8080`,
  capacity,
  load: 0,
  draining,
  startedAt: 0,
  heartbeatAt: 0,
});
const holdings = (entries: Record<string, [number, number]>): Map<string, NodeHolding> =>
  new Map(Object.entries(entries).map(([k, [total, department]]) => [k, { total, department }]));
const choose = (
  alive: MediaNodeRow[],
  held: Record<string, [number, number]>,
  current?: string,
  avoid: string[] = [],
): string | undefined =>
  chooseNode({ current, alive, holdings: holdings(held), avoid: new Set(avoid) })?.name;

describe('chooseNode', () => {
  it('keeps a counter on its node while that node is usable', () => {
    expect(choose([node('a'), node('b')], { a: [9, 0], b: [0, 0] }, 'a')).toBe('a');
  });

  it('moves it when its node is dead, draining, or unreachable for the agent', () => {
    expect(choose([node('b')], { a: [1, 1] }, 'a')).toBe('b');
    expect(choose([node('a', 10, true), node('b')], {}, 'a')).toBe('b');
    expect(choose([node('a'), node('b')], {}, 'a', ['a'])).toBe('b');
  });

  it('prefers a node holding the department, below capacity', () => {
    expect(choose([node('a'), node('b')], { a: [5, 0], b: [8, 2] })).toBe('b');
    expect(choose([node('a'), node('b'), node('c')], { a: [1, 1], b: [3, 3], c: [0, 0] })).toBe('b');
    // A full node holding the department does not attract more.
    expect(choose([node('a'), node('b')], { a: [5, 0], b: [10, 4] })).toBe('a');
  });

  it('otherwise takes the lowest share of capacity, ties by name', () => {
    expect(choose([node('a', 10), node('b', 40)], { a: [5, 0], b: [10, 0] })).toBe('b');
    expect(choose([node('b'), node('a')], {})).toBe('a');
  });

  it('places on the least loaded full node rather than nowhere, and nowhere without a usable node', () => {
    expect(choose([node('a', 2), node('b', 2)], { a: [3, 0], b: [2, 0] })).toBe('b');
    expect(choose([node('a', 10, true)], {})).toBeUndefined();
    expect(choose([node('a')], {}, undefined, ['a'])).toBeUndefined();
    expect(choose([], {})).toBeUndefined();
  });
});
