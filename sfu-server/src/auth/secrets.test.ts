import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  generatePassword,
  hashPassword,
  hashToken,
  randomSecret,
  tokenMatches,
  verifyPassword,
} from './secrets.js';

describe('randomSecret', () => {
  it('is URL-safe base64 of the requested size and never repeats', () => {
    const a = randomSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 bytes
    expect(randomSecret(16)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(new Set(Array.from({ length: 100 }, () => randomSecret())).size).toBe(100);
  });
});

describe('hashToken / tokenMatches', () => {
  it('is sha256: and the hex digest of the UTF-8 token', () => {
    expect(hashToken('abc')).toBe('sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashToken('quầy')).toBe(
      `sha256:${createHash('sha256').update(Buffer.from('quầy', 'utf8')).digest('hex')}`,
    );
  });

  it('matches the right token only', () => {
    const token = randomSecret();
    const hash = hashToken(token);
    expect(tokenMatches(token, hash)).toBe(true);
    expect(tokenMatches(`${token}x`, hash)).toBe(false);
    expect(tokenMatches(token.slice(1), hash)).toBe(false);
    expect(tokenMatches('', hash)).toBe(false);
  });

  it('never matches a revoked (null) or malformed hash', () => {
    expect(tokenMatches('token', null)).toBe(false);
    expect(tokenMatches('token', '')).toBe(false);
    expect(tokenMatches('token', hashToken('token').toUpperCase())).toBe(false);
    expect(tokenMatches('token', hashToken('token').slice(0, -1))).toBe(false);
    // A stored plain token must not "match" itself.
    expect(tokenMatches('token', 'token')).toBe(false);
  });
});

describe('hashPassword / verifyPassword', () => {
  it('stores scrypt parameters, salt and key, and verifies the right password only', async () => {
    const stored = await hashPassword('correct horse battery staple');
    const parts = stored.split('$');
    expect(parts).toHaveLength(6);
    expect(parts.slice(0, 4)).toEqual(['scrypt', '32768', '8', '1']);
    expect(Buffer.from(parts[4]!, 'base64')).toHaveLength(16);
    expect(Buffer.from(parts[5]!, 'base64')).toHaveLength(32);
    expect(stored).not.toContain('correct horse');

    await expect(verifyPassword('correct horse battery staple', stored)).resolves.toBe(true);
    await expect(verifyPassword('correct horse battery stapl', stored)).resolves.toBe(false);
    await expect(verifyPassword('Correct horse battery staple', stored)).resolves.toBe(false);
    await expect(verifyPassword('', stored)).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same'), hashPassword('same')]);
    expect(a).not.toBe(b);
    await expect(verifyPassword('same', a)).resolves.toBe(true);
    await expect(verifyPassword('same', b)).resolves.toBe(true);
  });

  it('handles non-ASCII passwords', async () => {
    const stored = await hashPassword('mật khẩu 🔑');
    await expect(verifyPassword('mật khẩu 🔑', stored)).resolves.toBe(true);
    // Same letters, different Unicode normalisation: a different password.
    await expect(verifyPassword('mật khẩu 🔑'.normalize('NFD'), stored)).resolves.toBe(false);
  });

  it('verifies with the parameters stored in the hash (cheaper parameters from an older release)', async () => {
    const { scryptSync, randomBytes } = await import('node:crypto');
    const salt = randomBytes(16);
    const key = scryptSync('legacy', salt, 24, { N: 1024, r: 8, p: 1 });
    const stored = `scrypt$1024$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
    await expect(verifyPassword('legacy', stored)).resolves.toBe(true);
    await expect(verifyPassword('legacy!', stored)).resolves.toBe(false);
  });

  it.each(['', 'plain', 'bcrypt$10$x$y$z$w', 'scrypt$32768$8$1$salt', 'scrypt$1$2$3$4$5$6'])(
    'refuses the malformed stored hash %j',
    async (stored) => {
      await expect(verifyPassword('anything', stored)).resolves.toBe(false);
    },
  );
});

describe('verifyPassword with a damaged stored hash', () => {
  // BUG (fail-open): secrets.ts verifyPassword derives a key as long as the stored one; when the
  // stored key part is empty (truncated or hand-edited row, e.g. "scrypt$16384$8$1$AAAA$"), both
  // keys are empty and timingSafeEqual says they match, so ANY password is accepted.
  it('refuses every password when the stored key is empty', async () => {
    await expect(verifyPassword('anything', 'scrypt$16384$8$1$AAAA$')).resolves.toBe(false);
    await expect(verifyPassword('anything', 'scrypt$16384$8$1$$')).resolves.toBe(false);
  });

  // Minor: malformed formats resolve false, but non-numeric parameters make scrypt throw
  // ERR_OUT_OF_RANGE, so a corrupt row turns a login into an internal error instead of a refusal.
  it('resolves false, not throws, for non-numeric parameters', async () => {
    await expect(verifyPassword('anything', 'scrypt$abc$8$1$AAAA$AAAA')).resolves.toBe(false);
  });
});

describe('generatePassword', () => {
  const ALPHABET = 'abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY345679';

  it('is four groups of four from the unambiguous alphabet', () => {
    for (let i = 0; i < 200; i++) {
      const password = generatePassword();
      expect(password).toMatch(/^[^-]{4}-[^-]{4}-[^-]{4}-[^-]{4}$/);
      for (const char of password.replaceAll('-', '')) expect(ALPHABET).toContain(char);
    }
  });

  it('never uses look-alike characters', () => {
    const all = Array.from({ length: 500 }, generatePassword).join('');
    for (const ambiguous of ['0', 'O', 'o', '1', 'l', 'I', 'i', '2', 'Z', '8', 'B', 'S']) {
      expect(all).not.toContain(ambiguous);
    }
  });

  it('is different every time', () => {
    expect(new Set(Array.from({ length: 200 }, generatePassword)).size).toBe(200);
  });
});
