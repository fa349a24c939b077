import fs from 'node:fs';
import path from 'node:path';

/**
 * The agent's private scratch folder for ffmpeg — the caption, and an IP
 * camera's list file, which holds the camera's URL with its password:
 * `<state-dir>/run/<pid>`, 0700. An agent that is killed (SIGKILL, a crash)
 * cannot remove it; under the state dir, the next start finds the folders of
 * processes that are gone and removes them, where a random name in /tmp
 * would stay behind for good. Folders of live processes are left alone: two
 * agents must not share a state dir, but one's start must not break the other.
 */
export function freshRunDir(stateDir: string, pid = process.pid): string {
  const root = path.join(stateDir, 'run');
  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  for (const name of fs.readdirSync(root)) {
    const owner = Number(name);
    if (/^\d+$/.test(name) && owner !== pid && alive(owner)) continue;
    fs.rmSync(path.join(root, name), { recursive: true, force: true });
  }
  const dir = path.join(root, String(pid));
  fs.mkdirSync(dir, { mode: 0o700 });
  return dir;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
