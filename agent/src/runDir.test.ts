import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freshRunDir } from './runDir.js';

describe('freshRunDir', () => {
  const dirs: string[] = [];
  const stateDir = (): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-rundir-test-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is a private folder under the state dir, not in /tmp', () => {
    const state = stateDir();
    const dir = freshRunDir(state);
    expect(dir).toBe(path.join(state, 'run', String(process.pid)));
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.dirname(dir)).mode & 0o777).toBe(0o700);
  });

  it("removes what killed agents left (a camera's list file with its password), keeps a live one's", () => {
    const state = stateDir();
    // Above pid_max (4194304 at most on Linux): surely no such process.
    const dead = path.join(state, 'run', '4194305');
    fs.mkdirSync(dead, { recursive: true });
    fs.writeFileSync(path.join(dead, 'camera.txt'), 'rtsp://admin:secret@camera/stream');
    const live = path.join(state, 'run', String(process.ppid));
    fs.mkdirSync(live);
    fs.writeFileSync(path.join(live, 'caption.txt'), 'Quầy 1');
    const stray = path.join(state, 'run', 'stray.txt');
    fs.writeFileSync(stray, 'x');
    // A previous run of this very pid (the pid was reused): emptied too.
    const mine = path.join(state, 'run', String(process.pid));
    fs.mkdirSync(mine);
    fs.writeFileSync(path.join(mine, 'old.txt'), 'x');

    expect(freshRunDir(state)).toBe(mine);

    expect(fs.existsSync(dead)).toBe(false);
    expect(fs.existsSync(stray)).toBe(false);
    expect(fs.readdirSync(mine)).toEqual([]);
    expect(fs.readFileSync(path.join(live, 'caption.txt'), 'utf8')).toBe('Quầy 1');
  });
});
