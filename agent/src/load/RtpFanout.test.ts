import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { RtpFanout } from './RtpFanout.js';
import { unprotectForTest } from './srtp.js';

function rtp(seq: number, payload: string): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = 96;
  header.writeUInt16BE(seq, 2);
  header.writeUInt32BE(1234, 4);
  header.writeUInt32BE(1, 8);
  return Buffer.concat([header, Buffer.from(payload)]);
}

const open: { close: () => void }[] = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

async function socket(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', () => resolve()));
  open.push(s);
  return s;
}

describe('RtpFanout relay (a second load publisher process)', () => {
  it('passes the encoder packets on unchanged; the other fan-out protects them for its own counters', async () => {
    const [lead, shard] = await Promise.all([RtpFanout.create(), RtpFanout.create()]);
    open.push(lead, shard);
    lead.addRelay({
      grid: shard.inputPort('grid'),
      focus: shard.inputPort('focus'),
      audio: shard.inputPort('audio'),
    });
    const sink = await socket();
    const key = Buffer.alloc(30, 5).toString('base64');
    shard.set('counter-b', 'grid', {
      host: '127.0.0.1',
      port: sink.address().port,
      ssrc: 0x0bad_cafe,
      payloadType: 101,
      key,
    });
    const received = new Promise<Buffer>((resolve) => sink.once('message', resolve));
    const encoder = await socket();
    encoder.send(rtp(7, 'one picture, many counters'), lead.inputPort('grid'), '127.0.0.1');
    const packet = unprotectForTest(key, await received);
    expect(packet.readUInt32BE(8)).toBe(0x0bad_cafe);
    expect(packet[1]).toBe(101);
    expect(packet.subarray(12).toString()).toBe('one picture, many counters');
  });
});

describe('RtpFanout: focus after grid and sound', () => {
  it('copies a grid packet at once while a focus burst is still being copied; the focus copies all follow, in order', async () => {
    const fanout = await RtpFanout.create();
    open.push(fanout);
    const sink = await socket();
    const key = Buffer.alloc(30, 7).toString('base64');
    const COUNTERS = 40;
    const BURST = 10;
    for (let c = 0; c < COUNTERS; c++) {
      const target = { host: '127.0.0.1', port: sink.address().port, key };
      fanout.set(`c${c}`, 'focus', { ...target, ssrc: 0x1000 + c, payloadType: 102 });
      fanout.set(`c${c}`, 'grid', { ...target, ssrc: 0x2000 + c, payloadType: 101 });
    }
    const received: Buffer[] = [];
    const all = new Promise<void>((resolve) =>
      sink.on('message', (m) => {
        received.push(unprotectForTest(key, m));
        if (received.length === COUNTERS * (BURST + 1)) resolve();
      }),
    );
    const encoder = await socket();
    // A focus keyframe's packets, then one grid packet, all waiting before the relay reads any.
    for (let i = 0; i < BURST; i++)
      encoder.send(rtp(100 + i, `focus ${i}`), fanout.inputPort('focus'), '127.0.0.1');
    encoder.send(rtp(7, 'grid'), fanout.inputPort('grid'), '127.0.0.1');
    await all;
    const payloadTypes = received.map((p) => (p[1] ?? 0) & 0x7f);
    // Every grid copy went out before the first focus packet reached every counter.
    expect(payloadTypes.lastIndexOf(101)).toBeLessThan(2 * COUNTERS);
    // Each counter's focus copies in the encoder's order.
    for (let c = 0; c < COUNTERS; c++) {
      const seqs = received.filter((p) => p.readUInt32BE(8) === 0x1000 + c).map((p) => p.readUInt16BE(2));
      expect(seqs).toEqual(Array.from({ length: BURST }, (_, i) => 100 + i));
    }
  });
});
