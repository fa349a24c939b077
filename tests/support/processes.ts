import { execFileSync } from 'node:child_process';

/** Child processes of `pid` whose command line contains `name` (e.g. the server's mediasoup workers). */
export function childPids(pid: number, name: string): number[] {
  try {
    const out = execFileSync('pgrep', ['-P', String(pid), '-f', name], { encoding: 'utf8' });
    return out
      .split('\n')
      .map((s) => Number(s.trim()))
      .filter((n) => Number.isInteger(n) && n > 0);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** Whether a process exists (signal 0 probes without touching it). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
