import { describe, expect, it } from 'vitest';
import { AuditAnchorSchema, AuditVerifyQuerySchema } from './audit.js';

const HASH = 'ab'.repeat(32);

describe('audit anchors', () => {
  it('reads SEQ:HASH as printed by a verification', () => {
    expect(AuditAnchorSchema.parse(` 42:${HASH}\n`)).toEqual({ seq: 42, hash: HASH });
    expect(AuditVerifyQuerySchema.parse({ anchor: `1:${HASH}` }).anchor).toEqual({ seq: 1, hash: HASH });
    expect(AuditVerifyQuerySchema.parse({}).anchor).toBeUndefined();
  });

  it.each([
    ['no hash', '42'],
    ['row zero', `0:${HASH}`],
    ['a short hash', `42:${HASH.slice(2)}`],
    ['upper-case hex', `42:${HASH.toUpperCase()}`],
    ['a negative row', `-1:${HASH}`],
    ['something else', 'yesterday'],
  ])('rejects %s', (_what, value) => {
    const result = AuditAnchorSchema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/SEQ:HASH/);
  });
});
