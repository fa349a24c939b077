import fc from 'fast-check';

/**
 * Mutations of valid messages, drawn by fast-check from a seed so a failing
 * run can be replayed: wrong types at any depth, missing and unknown keys,
 * prototype keys, huge and deeply nested values, hostile strings, and bytes
 * that are not JSON at all. Each mutant is sent as the text it serialises to
 * (or as raw text/bytes), exactly as an attacker would.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What goes on the wire: JSON text, or raw text / bytes that may not be JSON. */
export type Wire =
  { kind: 'json'; value: Json } | { kind: 'text'; text: string } | { kind: 'bytes'; bytes: Uint8Array };

const HOSTILE_STRINGS = [
  '',
  ' ',
  '__proto__',
  'constructor',
  'prototype',
  '../../../../etc/passwd',
  '..%2f..%2f..%2fetc%2fpasswd',
  '%c0%ae%c0%ae/',
  '%u2215',
  "' OR 1=1 --",
  '"; DROP TABLE users; --',
  '<script>alert(1)</script>',
  '\u0000',
  '\uffff\ud800',
  '🙂'.repeat(200),
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '9007199254740993',
  'null',
  'true',
  '{"__proto__":{"admin":true}}',
  'Mời số A019 đến quầy 1',
];

const HOSTILE_NUMBERS = [0, -1, 1, -0, 0.5, 1e308, -1e308, 2 ** 31, 2 ** 53, -(2 ** 53), 1e-320];

/** A value of any JSON type, biased towards the ones validators forget. */
export const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<Json>(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.constantFrom<Json>(...HOSTILE_NUMBERS) },
  { weight: 2, arbitrary: fc.constantFrom<Json>(null, true, false, [], {}) },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
  { weight: 1, arbitrary: fc.integer({ min: 10_000, max: 300_000 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 1_500 }).map(deep) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1_000, max: 50_000 }).map((n) => Array.from({ length: n }, (_, i) => i)),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 64 }) },
);

function deep(depth: number): Json {
  let v: Json = 'bottom';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

/** Every path into a JSON value (including the root, []). */
export function paths(
  value: Json,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(prefix);
  if (out.length > 500) return out;
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

function setAt(root: Json, path: (string | number)[], next: Json | undefined): Json {
  if (path.length === 0) return next ?? null;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (Array.isArray(root)) {
    const copy = [...root];
    const i = Number(head);
    if (next === undefined && rest.length === 0) copy.splice(i, 1);
    else copy[i] = setAt(copy[i] ?? null, rest, next);
    return copy;
  }
  if (root !== null && typeof root === 'object') {
    const key = String(head);
    if (next === undefined && rest.length === 0)
      return Object.fromEntries(Object.entries(root).filter(([k]) => k !== key));
    return { ...root, [key]: setAt(root[key] ?? null, rest, next) };
  }
  return root;
}

/** One mutation of `seed`: sometimes none (the valid message, to move lifecycles along). */
export function mutant(seed: Json): fc.Arbitrary<Wire> {
  const all = paths(seed);
  const anyPath = fc.constantFrom(...all);
  const inner = all.filter((p) => p.length > 0);
  const json = (value: Json): Wire => ({ kind: 'json', value });
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(json(seed)) },
    { weight: 6, arbitrary: fc.tuple(anyPath, hostileValue).map(([p, v]) => json(setAt(seed, p, v))) },
    {
      weight: 3,
      // Never fc.filter here: a seed with no inner path would make it draw forever.
      arbitrary:
        inner.length > 0
          ? fc.constantFrom(...inner).map((p) => json(setAt(seed, p, undefined)))
          : fc.constant(json(null)),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          anyPath,
          fc.constantFrom('__proto__', 'constructor', 'extra', 'toString', 'x'.repeat(300)),
          hostileValue,
        )
        .map(([p, key, v]) => {
          const target = p.reduce<Json>((node, k) => (node as Record<string, Json>)[k] ?? null, seed);
          if (target === null || typeof target !== 'object' || Array.isArray(target)) return json(seed);
          return json(setAt(seed, [...p, key], v));
        }),
    },
    { weight: 1, arbitrary: fc.constant(json([seed, seed])) },
    {
      weight: 1,
      arbitrary: fc
        .nat({ max: Math.max(1, JSON.stringify(seed).length - 1) })
        .map((cut): Wire => ({ kind: 'text', text: JSON.stringify(seed).slice(0, cut) })),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((text): Wire => ({ kind: 'text', text })) },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ maxLength: 512 }).map((bytes): Wire => ({ kind: 'bytes', bytes })),
    },
  );
}

/** Draws `count` values of `arbitrary`, reproducibly from `seed`. */
export function draw<T>(arbitrary: fc.Arbitrary<T>, seed: number, count: number): T[] {
  return fc.sample(arbitrary, { seed, numRuns: count });
}

export function wireText(wire: Wire): string | Uint8Array {
  switch (wire.kind) {
    case 'json':
      return JSON.stringify(wire.value);
    case 'text':
      return wire.text;
    case 'bytes':
      return wire.bytes;
  }
}
