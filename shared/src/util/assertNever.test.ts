import { describe, expect, it } from 'vitest';
import { assertNever } from './assertNever.js';

describe('assertNever', () => {
  it('throws naming the unhandled value', () => {
    expect(() => assertNever('x' as never, 'message')).toThrow('unhandled message: "x"');
  });
});
