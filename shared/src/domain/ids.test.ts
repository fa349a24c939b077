import { describe, expect, it } from 'vitest';
import { DisplayNameSchema, EpochMsSchema, OpaqueIdSchema, SlugSchema } from './ids.js';

describe('SlugSchema', () => {
  it.each(['a', '0', 'c01', 'hcm-q1', 'a--b', 'x'.repeat(64)])('accepts %j', (slug) => {
    expect(SlugSchema.safeParse(slug).success).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['leading hyphen', '-a'],
    ['trailing hyphen', 'a-'],
    ['upper case', 'Quay1'],
    ['underscore', 'a_b'],
    ['dot', 'a.b'],
    ['space', 'a b'],
    ['slash', 'a/b'],
    ['accented letter', 'quầy'],
    ['65 characters', 'x'.repeat(65)],
  ])('rejects %s', (_what, slug) => {
    expect(SlugSchema.safeParse(slug).success).toBe(false);
  });

  it('explains the rule in its message', () => {
    const result = SlugSchema.safeParse('Bad');
    expect(result.error?.issues[0]?.message).toBe('must be lowercase letters, digits and inner hyphens');
  });
});

describe('EpochMsSchema', () => {
  it.each([0, 1_700_000_000_000, 8.64e15])('accepts %d', (ms) => {
    expect(EpochMsSchema.safeParse(ms).success).toBe(true);
  });

  it.each([-1, 1.5, 8.64e15 + 1, Number.NaN, Number.POSITIVE_INFINITY, '1700000000000'])(
    'rejects %j',
    (ms) => {
      expect(EpochMsSchema.safeParse(ms).success).toBe(false);
    },
  );
});

describe('OpaqueIdSchema', () => {
  it.each(['e', 'evt-2024.01:abc_DEF', 'x'.repeat(100)])('accepts %j', (id) => {
    expect(OpaqueIdSchema.safeParse(id).success).toBe(true);
  });

  it.each(['', 'x'.repeat(101), 'a b', 'a/b', 'a\nb', 'ä', 'a;b'])('rejects %j', (id) => {
    expect(OpaqueIdSchema.safeParse(id).success).toBe(false);
  });
});

describe('DisplayNameSchema', () => {
  it('trims surrounding whitespace', () => {
    expect(DisplayNameSchema.parse('  Quầy số 1 – Căn cước  ')).toBe('Quầy số 1 – Căn cước');
  });

  it('accepts exactly 120 characters and rejects 121', () => {
    expect(DisplayNameSchema.safeParse('n'.repeat(120)).success).toBe(true);
    expect(DisplayNameSchema.safeParse('n'.repeat(121)).success).toBe(false);
  });

  it.each(['', '   ', '\n\t'])('rejects the blank name %j', (name) => {
    expect(DisplayNameSchema.safeParse(name).success).toBe(false);
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['tab', 'a\tb'],
    ['newline', 'line1\nline2'],
    ['carriage return', 'a\rb'],
    ['escape', 'a\u001b[31mred'],
    ['DEL', 'a\u007fb'],
  ])('rejects an inner %s control character', (_what, name) => {
    const result = DisplayNameSchema.safeParse(name);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('must not contain control characters');
  });

  // BUG: the regex only covers C0 controls and DEL (ids.ts, DisplayNameSchema); the C1 controls
  // U+0080–U+009F (e.g. U+009B, the 8-bit CSI terminal escape, or U+0085 NEL) are accepted.
  it('rejects C1 control characters such as U+009B and U+0085', () => {
    expect(DisplayNameSchema.safeParse('a\u009b31mb').success).toBe(false);
    expect(DisplayNameSchema.safeParse('a\u0085b').success).toBe(false);
  });
});
