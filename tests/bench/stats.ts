import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

/** Percentile by nearest rank; NaN for an empty list. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU seconds a process has used so far (user + system), from /proc. */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Share of one core the process used over `ms`. */
export async function cpuShare(pid: number, ms: number): Promise<number> {
  const before = cpuSeconds(pid);
  await new Promise((r) => setTimeout(r, ms));
  return (cpuSeconds(pid) - before) / (ms / 1000);
}

export function table(rows: (string | number)[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => String(c).padStart(widths[i]!)).join('  ')).join('\n');
}

/** Every process below `pid` (a server's mediasoup workers, its recorders' setpriv-started ffmpegs). */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const walk = (p: number): void => {
    for (const c of children.get(p) ?? []) {
      found.push(c);
      walk(c);
    }
  };
  walk(pid);
  return found;
}

/** Command name of a process ('' once gone). */
export function commOf(pid: number): string {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
  } catch {
    return '';
  }
}

/** CPU seconds a group of processes has used so far (those gone meanwhile count nothing). */
export function cpuOf(pids: number[]): number {
  return pids.reduce((sum, pid) => {
    try {
      return sum + cpuSeconds(pid);
    } catch {
      return sum; // gone meanwhile (a recorder restarting)
    }
  }, 0);
}

/** The machine's busy and total jiffies, from /proc/stat. */
export function machineTicks(): { busy: number; total: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - (v[3] ?? 0) - (v[4] ?? 0), total };
}

/**
 * Starts a CPU reading of groups of processes (their pids fixed now) and the machine; `end()`
 * gives each group's share of a core over the time since, and the machine's busy cores.
 */
export function cpuReading<K extends string>(
  groups: Record<K, number[]>,
): { end: () => { cores: Record<K, number>; machineCores: number; seconds: number } } {
  const keys = Object.keys(groups) as K[];
  const before = keys.map((k) => cpuOf(groups[k]));
  const ticks = machineTicks();
  const started = Date.now();
  return {
    end() {
      const seconds = (Date.now() - started) / 1000;
      const after = machineTicks();
      const cores = {} as Record<K, number>;
      keys.forEach((k, i) => {
        cores[k] = (cpuOf(groups[k]) - (before[i] ?? 0)) / seconds;
      });
      const machineCores =
        ((after.busy - ticks.busy) / Math.max(1, after.total - ticks.total)) * os.cpus().length;
      return { cores, machineCores, seconds };
    },
  };
}

/** A Chromium process's kind from its command line (`--type=renderer`…; none: the browser process). */
function chromiumKind(pid: number): string {
  try {
    const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
    const type = args.find((a) => a.startsWith('--type='))?.slice('--type='.length) ?? 'browser';
    const service = args
      .find((a) => a.startsWith('--utility-sub-type='))
      ?.split('.')
      .pop();
    return service ? `${type}:${service}` : type;
  } catch {
    return 'gone';
  }
}

/**
 * CPU seconds so far of every thread of these processes, keyed "kind/thread name"
 * (threads of one name summed): where a browser's time goes (its compositor, decoders, WebRTC).
 */
export function threadCpu(pids: number[]): Map<string, number> {
  const byName = new Map<string, number>();
  for (const pid of pids) {
    const kind = chromiumKind(pid);
    let tasks: string[];
    try {
      tasks = fs.readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/\d+$/, '');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const seconds = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
        const key = `${kind}/${name}`;
        byName.set(key, (byName.get(key) ?? 0) + seconds);
      } catch {
        // gone meanwhile
      }
    }
  }
  return byName;
}

/** The busiest threads between two `threadCpu` readings, as % of a core (at least 1 %, at most `top`). */
export function busiestThreads(
  before: Map<string, number>,
  after: Map<string, number>,
  seconds: number,
  top = 8,
): [string, number][] {
  return [...after]
    .map(([name, s]): [string, number] => [name, (100 * (s - (before.get(name) ?? 0))) / seconds])
    .filter(([, pct]) => pct >= 1)
    .sort((a, b) => b[1] - a[1])
    .slice(0, top);
}
