import { readFile } from 'node:fs/promises';

/**
 * The size of the kernel buffers behind every UDP socket of the media
 * workers (ingest, viewers, recorder taps, pipes between nodes). A worker the
 * scheduler holds off for a moment, or a burst of keyframes from many
 * counters at once, queues in these buffers; once one is full the kernel
 * drops the packets (`RcvbufErrors`), and every viewer of that stream sees
 * broken frames until the next keyframe. Debian's default (208 KiB) dropped
 * ~6 % of a 150-counter ingest on a busy 2-core host (`bench:wall`).
 */
/** Each media socket's kernel buffers unless told otherwise: room for a burst of ~900 full packets. */
export const DEFAULT_UDP_BUFFER_BYTES = 2 * 1024 * 1024;

export interface KernelUdpLimits {
  /** `net.core.rmem_max`, bytes; null where /proc does not say. */
  readonly rmemMax: number | null;
  /** `net.core.wmem_max`, bytes; null where /proc does not say. */
  readonly wmemMax: number | null;
}

async function readNumber(path: string): Promise<number | null> {
  try {
    const value = Number((await readFile(path, 'utf8')).trim());
    return Number.isSafeInteger(value) && value > 0 ? value : null;
  } catch {
    return null;
  }
}

export async function kernelUdpLimits(procDir = '/proc'): Promise<KernelUdpLimits> {
  const [rmemMax, wmemMax] = await Promise.all([
    readNumber(`${procDir}/sys/net/core/rmem_max`),
    readNumber(`${procDir}/sys/net/core/wmem_max`),
  ]);
  return { rmemMax, wmemMax };
}

/**
 * What each socket gets (the kernel keeps twice the granted size for its own
 * bookkeeping, as `ss -m` shows), and whether the kernel cuts the request
 * short: then the operator should raise `net.core.rmem_max`/`wmem_max`.
 */
export function grantedUdpBuffers(
  requested: number,
  limits: KernelUdpLimits,
): { receive: number; send: number; capped: boolean } {
  const receive = Math.min(requested, limits.rmemMax ?? requested);
  const send = Math.min(requested, limits.wmemMax ?? requested);
  return { receive, send, capped: receive < requested || send < requested };
}

export interface UdpReceiveCounters {
  /** Datagrams delivered to sockets, host-wide. */
  readonly inDatagrams: number;
  /** Datagrams dropped because a socket's receive buffer was full, host-wide. */
  readonly receiveBufferErrors: number;
}

/** The host's UDP counters (`/proc/net/snmp`); null where /proc does not say. */
export async function udpReceiveCounters(procDir = '/proc'): Promise<UdpReceiveCounters | null> {
  let text: string;
  try {
    text = await readFile(`${procDir}/net/snmp`, 'utf8');
  } catch {
    return null;
  }
  return parseSnmpUdp(text);
}

export function parseSnmpUdp(text: string): UdpReceiveCounters | null {
  // Two "Udp:" lines: the field names, then the values.
  const lines = text.split('\n').filter((l) => l.startsWith('Udp:'));
  const names = lines[0]?.split(/\s+/).slice(1);
  const values = lines[1]?.split(/\s+/).slice(1).map(Number);
  if (!names || !values) return null;
  const field = (name: string): number | null => {
    const value = values[names.indexOf(name)];
    return value !== undefined && Number.isFinite(value) ? value : null;
  };
  const inDatagrams = field('InDatagrams');
  const receiveBufferErrors = field('RcvbufErrors');
  if (inDatagrams === null || receiveBufferErrors === null) return null;
  return { inDatagrams, receiveBufferErrors };
}
