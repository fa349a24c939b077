import fs from 'node:fs';
import { parseSnmpUdp, type UdpReceiveCounters } from '@counterwatch/sfu-server/media';

/** What bench:wall reads of the machine and of the load publisher's reports during its window. */

/** Child processes of `pid` whose command name starts with `name`. */
export function childPids(pid: number, name: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid && comm.startsWith(name)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** The machine's UDP counters (/proc/net/snmp), read as the server's metrics read them. */
export function udpCounters(): UdpReceiveCounters {
  return (
    parseSnmpUdp(fs.readFileSync('/proc/net/snmp', 'utf8')) ?? { inDatagrams: 0, receiveBufferErrors: 0 }
  );
}

/**
 * The load publisher's 10-second reports (its log, one JSON line each, from
 * every process) since `since`: the worst event loop delay, and the packets
 * sent per second summed over processes (each process's mean).
 */
export function relayReports(
  file: string,
  since: number,
): { loopP99Ms: number; loopMaxMs: number; packetsPerS: number } {
  const byPid = new Map<number, number[]>();
  let loopP99Ms = 0;
  let loopMaxMs = 0;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.includes('"msg":"relay')) continue;
    try {
      const r = JSON.parse(line) as {
        time: number;
        pid: number;
        loopDelayP99Ms: number;
        loopDelayMaxMs: number;
        packetsOutPerSecond: number;
      };
      if (r.time < since) continue;
      loopP99Ms = Math.max(loopP99Ms, r.loopDelayP99Ms);
      loopMaxMs = Math.max(loopMaxMs, r.loopDelayMaxMs);
      byPid.set(r.pid, [...(byPid.get(r.pid) ?? []), r.packetsOutPerSecond]);
    } catch {
      // a line cut short
    }
  }
  let packetsPerS = 0;
  for (const rates of byPid.values()) packetsPerS += rates.reduce((a, b) => a + b, 0) / rates.length;
  return { loopP99Ms, loopMaxMs, packetsPerS };
}
