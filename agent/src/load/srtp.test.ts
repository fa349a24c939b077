import { describe, expect, it } from 'vitest';
import { deriveSessionKeys, SrtpSender, unprotectForTest } from './srtp.js';

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex');

function rtp(seq: number, ssrc: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = 101;
  header.writeUInt16BE(seq, 2);
  header.writeUInt32BE(1234, 4);
  header.writeUInt32BE(ssrc, 8);
  return Buffer.concat([header, payload]);
}

describe('SRTP (AES_CM_128_HMAC_SHA1_80)', () => {
  it('derives the session keys of RFC 3711 appendix B.3', () => {
    const keys = deriveSessionKeys(
      hex('E1F97A0D3E018BE0D64FA32C06DE4139'),
      hex('0EC675AD498AFEEBB6960B3AABE6'),
    );
    expect(keys.encKey.toString('hex')).toBe('c61e7a93744f39ee10734afe3ff7a087');
    expect(keys.salt.toString('hex')).toBe('30cbbc08863d8c85d49db34a9ae1');
    expect(keys.authKey.toString('hex')).toBe('cebe321f6ff7716b6fd4ab49af256a156d38baa4');
  });

  it('encrypts the payload, keeps the header, and appends a tag the key checks', () => {
    const key = Buffer.alloc(30, 7).toString('base64');
    const payload = Buffer.from('a picture of a counter, in pieces');
    const packet = rtp(65_000, 0x1234_5678, payload);
    const protectedPacket = new SrtpSender(key).protect(packet);
    expect(protectedPacket.length).toBe(packet.length + 10);
    expect(protectedPacket.subarray(0, 12).equals(packet.subarray(0, 12))).toBe(true);
    expect(protectedPacket.subarray(12, packet.length).equals(payload)).toBe(false);
    expect(unprotectForTest(key, protectedPacket).equals(packet)).toBe(true);
    const other = Buffer.alloc(30, 8).toString('base64');
    expect(() => unprotectForTest(other, protectedPacket)).toThrow(/authentication/);
  });

  it('counts sequence wraps into the rollover counter', () => {
    const key = Buffer.alloc(30, 3).toString('base64');
    const sender = new SrtpSender(key);
    sender.protect(rtp(65_534, 1, Buffer.from('x')));
    sender.protect(rtp(65_535, 1, Buffer.from('x')));
    const wrapped = sender.protect(rtp(2, 1, Buffer.from('after the wrap')));
    expect(() => unprotectForTest(key, wrapped, 0)).toThrow(/authentication/);
    expect(unprotectForTest(key, wrapped, 1).subarray(12).toString()).toBe('after the wrap');
  });
});

describe('SRTP AES-CM keystream (RFC 3711 appendix B.2)', () => {
  it("encrypts zeros to the appendix's keystream blocks", () => {
    const sender = new SrtpSender({
      encKey: hex('2B7E151628AED2A6ABF7158809CF4F3C'),
      authKey: Buffer.alloc(20),
      salt: hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD'),
    });
    // SSRC 0, sequence number 0, rollover counter 0: the appendix's IV.
    const out = sender.protect(rtp(0, 0, Buffer.alloc(48)));
    expect(out.subarray(12, 60).toString('hex')).toBe(
      'e03ead0935c95e80e166b16dd92b4eb4' +
        'd23513162b02d0f72a43a2fe4a5f97ab' +
        '41e95b3bb0a2e8dd477901e4fca894c0',
    );
  });
});

describe('SRTP rewrite', () => {
  it('gives the copy its own SSRC and payload type, keeping the marker bit', () => {
    const key = Buffer.alloc(30, 9).toString('base64');
    const packet = rtp(10, 1, Buffer.from('frame end'));
    packet[1] = 0x80 | 96;
    const out = unprotectForTest(
      key,
      new SrtpSender(key).protect(packet, { ssrc: 0x7654_3210, payloadType: 101 }),
    );
    expect(out.readUInt32BE(8)).toBe(0x7654_3210);
    expect(out[1]).toBe(0x80 | 101);
    expect(out.subarray(12).toString()).toBe('frame end');
    expect(packet.readUInt32BE(8)).toBe(1);
  });
});

describe('SRTP keystream', () => {
  it('matches AES-CTR for every payload length, with header extensions and after a wrap', () => {
    const key = Buffer.alloc(30, 11).toString('base64');
    const sender = new SrtpSender(key);
    let roc = 0;
    let seq = 65_500;
    for (let length = 0; length <= 1400; length += 7) {
      const payload = Buffer.alloc(length);
      for (let i = 0; i < length; i++) payload[i] = (i * 31 + length) & 0xff;
      let packet = rtp(seq, 0x0102_0304, payload);
      if (length % 2 === 1) {
        // One-word header extension (the X bit): the payload starts 8 bytes later.
        const extension = Buffer.from([0xbe, 0xde, 0, 1, 0x10, 0xff, 0, 0]);
        packet = Buffer.concat([packet.subarray(0, 12), extension, payload]);
        packet[0] = (packet[0] ?? 0) | 0x10;
      }
      const out = sender.protect(packet, { ssrc: 0x0a0b_0c0d, payloadType: 101 });
      const expected = Buffer.from(packet);
      expected[1] = ((expected[1] ?? 0) & 0x80) | 101;
      expected.writeUInt32BE(0x0a0b_0c0d, 8);
      expect(unprotectForTest(key, out, roc).equals(expected)).toBe(true);
      seq += 1;
      if (seq === 0x10000) {
        seq = 0;
        roc += 1;
      }
    }
    expect(roc).toBe(1);
  });
});
