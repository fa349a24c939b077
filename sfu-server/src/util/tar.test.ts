import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeTar } from './tar.js';

describe('writeTar', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-tar-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes an archive `tar` extracts byte for byte: bytes, files, long names, a private mode', async () => {
    const big = path.join(dir, 'segment.mp4');
    fs.writeFileSync(big, Buffer.alloc(300_001, 7));
    const long = `export-${'x'.repeat(120)}/events.json`;
    const target = path.join(dir, 'out.tar');
    const mtime = 1_767_225_600_000; // 2026-01-01
    await writeTar(
      target,
      [
        { name: 'export/MANIFEST.sha256', data: Buffer.from('abc  events.json\n') },
        { name: 'export/media/segment.mp4', file: big },
        { name: long, data: Buffer.from('[]') },
        { name: 'export/empty', data: Buffer.alloc(0) },
      ],
      mtime,
    );
    expect(fs.statSync(target).mode & 0o777).toBe(0o600);
    const out = path.join(dir, 'x');
    fs.mkdirSync(out);
    const result = spawnSync('tar', ['-xf', target, '-C', out], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(fs.readFileSync(path.join(out, 'export/MANIFEST.sha256'), 'utf8')).toBe('abc  events.json\n');
    expect(fs.readFileSync(path.join(out, 'export/media/segment.mp4')).equals(fs.readFileSync(big))).toBe(
      true,
    );
    expect(fs.readFileSync(path.join(out, long), 'utf8')).toBe('[]');
    expect(fs.statSync(path.join(out, 'export/empty')).size).toBe(0);
    expect(fs.statSync(path.join(out, 'export/media/segment.mp4')).mtimeMs).toBe(mtime);
  });

  it('a missing file fails the archive instead of writing a short one', async () => {
    await expect(
      writeTar(path.join(dir, 'bad.tar'), [{ name: 'a', file: path.join(dir, 'nope') }], 0),
    ).rejects.toThrow(/ENOENT/);
  });
});
