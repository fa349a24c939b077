import { createCipheriv, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * SRTP for one outgoing RTP stream, AES_CM_128_HMAC_SHA1_80 (RFC 3711), the
 * suite the SFU's plain transports use. The load publisher protects each
 * counter's copy of the shared picture with that counter's own key, so every
 * copy is a real, separately keyed SRTP stream the SFU decrypts as it would
 * an agent's. Node's crypto does the AES and HMAC; this only arranges them.
 */
const MASTER_KEY_BYTES = 16;
const MASTER_SALT_BYTES = 14;
const AUTH_TAG_BYTES = 10;

/** The three session keys of RFC 3711 §4.3 (key derivation rate 0: derived once). */
export function deriveSessionKeys(
  masterKey: Buffer,
  masterSalt: Buffer,
): {
  encKey: Buffer;
  authKey: Buffer;
  salt: Buffer;
} {
  if (masterKey.length !== MASTER_KEY_BYTES || masterSalt.length !== MASTER_SALT_BYTES)
    throw new Error('an SRTP master key is 16 bytes and its salt 14');
  const prf = (label: number, length: number): Buffer => {
    // x = (label << 48) XOR master_salt; the keystream of AES-CM with IV = x << 16.
    const iv = Buffer.alloc(16);
    masterSalt.copy(iv, 0);
    iv[7] = (iv[7] ?? 0) ^ label;
    const cipher = createCipheriv('aes-128-ctr', masterKey, iv);
    return cipher.update(Buffer.alloc(length));
  };
  return { encKey: prf(0, 16), authKey: prf(1, 20), salt: prf(2, 14) };
}

/** Splits a base64 master key + salt (30 bytes, as the SFU and the agent exchange them). */
export function splitMasterKey(keyBase64: string): { masterKey: Buffer; masterSalt: Buffer } {
  const raw = Buffer.from(keyBase64, 'base64');
  if (raw.length !== MASTER_KEY_BYTES + MASTER_SALT_BYTES)
    throw new Error('an SRTP master key and salt are 30 bytes');
  return { masterKey: raw.subarray(0, MASTER_KEY_BYTES), masterSalt: raw.subarray(MASTER_KEY_BYTES) };
}

/** Where the payload starts: after the fixed header, the CSRCs and a header extension. */
function payloadOffset(packet: Buffer): number {
  if (packet.length < 12 || (packet[0] ?? 0) >> 6 !== 2) throw new Error('not an RTP packet');
  let offset = 12 + 4 * ((packet[0] ?? 0) & 0x0f);
  if ((packet[0] ?? 0) & 0x10) {
    if (packet.length < offset + 4) throw new Error('truncated RTP header extension');
    offset += 4 + 4 * packet.readUInt16BE(offset + 2);
  }
  if (offset > packet.length) throw new Error('truncated RTP header');
  return offset;
}

/** The AES-CM IV of one packet: salt XOR (SSRC << 64) XOR (index << 16). */
function packetIv(salt: Buffer, ssrc: number, index: number): Buffer {
  const iv = Buffer.alloc(16);
  salt.copy(iv, 0);
  iv.writeUInt32BE((iv.readUInt32BE(4) ^ ssrc) >>> 0, 4);
  // The 48-bit index in bytes 8..13.
  const high = Math.floor(index / 0x100000000);
  iv.writeUInt16BE(iv.readUInt16BE(8) ^ (high & 0xffff), 8);
  iv.writeUInt32BE((iv.readUInt32BE(10) ^ index) >>> 0, 10);
  return iv;
}

export class SrtpSender {
  readonly #encKey: Buffer;
  readonly #authKey: Buffer;
  readonly #salt: Buffer;
  #roc = 0;
  #lastSeq = -1;

  constructor(keyBase64: string) {
    const { masterKey, masterSalt } = splitMasterKey(keyBase64);
    const keys = deriveSessionKeys(masterKey, masterSalt);
    this.#encKey = keys.encKey;
    this.#authKey = keys.authKey;
    this.#salt = keys.salt;
  }

  /**
   * Encrypts and authenticates an RTP packet; returns a new buffer. `rewrite`
   * gives the copy this stream's SSRC and payload type (the load publisher's
   * one encoder speaks for many counters).
   */
  protect(packet: Buffer, rewrite?: { ssrc: number; payloadType: number }): Buffer {
    const offset = payloadOffset(packet);
    const seq = packet.readUInt16BE(2);
    // The rollover counter counts sequence wraps from this stream's first packet on (the receiver's view).
    if (this.#lastSeq >= 0 && seq < this.#lastSeq && this.#lastSeq - seq > 0x8000) this.#roc += 1;
    if (this.#lastSeq < 0 || seq > this.#lastSeq || this.#lastSeq - seq > 0x8000) this.#lastSeq = seq;
    const roc = this.#roc;
    const index = roc * 0x10000 + seq;
    const out = Buffer.allocUnsafe(packet.length + AUTH_TAG_BYTES);
    packet.copy(out, 0, 0, offset);
    if (rewrite) {
      out[1] = ((out[1] ?? 0) & 0x80) | (rewrite.payloadType & 0x7f);
      out.writeUInt32BE(rewrite.ssrc >>> 0, 8);
    }
    const cipher = createCipheriv(
      'aes-128-ctr',
      this.#encKey,
      packetIv(this.#salt, out.readUInt32BE(8), index),
    );
    const encrypted = cipher.update(packet.subarray(offset));
    encrypted.copy(out, offset);
    const rocBytes = Buffer.allocUnsafe(4);
    rocBytes.writeUInt32BE(roc >>> 0, 0);
    const tag = createHmac('sha1', this.#authKey)
      .update(out.subarray(0, packet.length))
      .update(rocBytes)
      .digest();
    tag.copy(out, packet.length, 0, AUTH_TAG_BYTES);
    return out;
  }
}

/**
 * The receiving side, for tests only: checks the tag and decrypts (rollover
 * counter given, no replay list).
 */
export function unprotectForTest(keyBase64: string, packet: Buffer, roc = 0): Buffer {
  const { masterKey, masterSalt } = splitMasterKey(keyBase64);
  const keys = deriveSessionKeys(masterKey, masterSalt);
  const body = packet.subarray(0, packet.length - AUTH_TAG_BYTES);
  const rocBytes = Buffer.alloc(4);
  rocBytes.writeUInt32BE(roc, 0);
  const tag = createHmac('sha1', keys.authKey)
    .update(body)
    .update(rocBytes)
    .digest()
    .subarray(0, AUTH_TAG_BYTES);
  if (!timingSafeEqual(tag, packet.subarray(body.length))) throw new Error('SRTP authentication failed');
  const offset = payloadOffset(body);
  const iv = packetIv(keys.salt, body.readUInt32BE(8), roc * 0x10000 + body.readUInt16BE(2));
  const plain = createCipheriv('aes-128-ctr', keys.encKey, iv).update(body.subarray(offset));
  return Buffer.concat([body.subarray(0, offset), plain]);
}
