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
