import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs/promises';
import { isErrno } from './paths.js';

/**
 * Port pairs handed to recorder ffmpegs and not yet given back. The kernel
 * never hands out a bound port, but between our probe and ffmpeg's bind the
 * port is free: this set keeps two recorders of this process from racing for it.
 */
const reserved = new Set<number>();

const ATTEMPTS = 200;

/** Inclusive. */
export interface PortRange {
  min: number;
  max: number;
}

/**
 * Reserves a free UDP port P with P + 1 also free (ffmpeg binds RTP on P and
 * RTCP on P + 1). Give it back with `releasePortPair`. Between this probe
 * and ffmpeg's bind another process may take it (mediasoup picks its ports
 * at random in its range, the kernel hands out ephemeral ones): ffmpeg then
 * fails to start and the recorder retries with new ports. A range outside
 * both (`range`) rules that out.
 */
export async function reservePortPair(range?: PortRange): Promise<number> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const rtp = await bindUdp(
      range ? range.min + 2 * randomInt(0, Math.floor((range.max - range.min + 1) / 2)) : 0,
    );
    if (!rtp) continue;
    const port = rtp.address().port;
    const rtcp =
      port < 65535 && !reserved.has(port) && !reserved.has(port + 1) ? await bindUdp(port + 1) : null;
    await closeUdp(rtp);
    if (!rtcp) continue;
    await closeUdp(rtcp);
    reserved.add(port);
    reserved.add(port + 1);
    return port;
  }
  throw new Error('no free UDP port pair for a recorder');
}

export function releasePortPair(port: number): void {
  reserved.delete(port);
  reserved.delete(port + 1);
}

/** A socket bound to the port, or null if the port is taken. */
function bindUdp(port: number): Promise<dgram.Socket | null> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', (error) => {
      socket.close();
      // Taken: the caller tries another port. Anything else is a real failure.
      if (isErrno(error, 'EADDRINUSE')) resolve(null);
      else reject(error);
    });
    socket.bind(port, '0.0.0.0', () => resolve(socket));
  });
}

function closeUdp(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve) => socket.close(() => resolve()));
}

/** Local UDP ports with a bound socket, from /proc/net/udp{,6} (Linux). */
export async function boundUdpPorts(): Promise<Set<number>> {
  const ports = new Set<number>();
  for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      // No IPv6 in this kernel: there is simply no udp6 table.
      if (isErrno(error, 'ENOENT')) continue;
      throw error;
    }
    for (const line of text.split('\n').slice(1)) {
      const local = line.trim().split(/\s+/)[1];
      const hex = local?.slice(local.lastIndexOf(':') + 1);
      if (hex) ports.add(Number.parseInt(hex, 16));
    }
  }
  return ports;
}

/**
 * Resolves true once every port has a bound socket, false after `timeoutMs`
 * or as soon as `gone()` says the process that should bind them has exited.
 */
export async function waitForUdpPorts(
  ports: readonly number[],
  options: { timeoutMs: number; gone: () => boolean },
): Promise<boolean> {
  const deadline = performance.now() + options.timeoutMs;
  for (;;) {
    if (options.gone()) return false;
    const bound = await boundUdpPorts();
    if (ports.every((p) => bound.has(p))) return true;
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
