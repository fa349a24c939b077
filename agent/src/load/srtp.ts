import { createCipheriv, createHmac, hash, timingSafeEqual, type Cipher } from 'node:crypto';

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

export interface SessionKeys {
  encKey: Buffer;
  authKey: Buffer;
  salt: Buffer;
}

/** The three session keys of RFC 3711 §4.3 (key derivation rate 0: derived once). */
export function deriveSessionKeys(masterKey: Buffer, masterSalt: Buffer): SessionKeys {
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

const splitKey = (keyBase64: string): [Buffer, Buffer] => {
  const { masterKey, masterSalt } = splitMasterKey(keyBase64);
  return [masterKey, masterSalt];
};

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
function packetIv(salt: Buffer, ssrc: number, index: number, iv: Buffer = Buffer.alloc(16)): Buffer {
  salt.copy(iv, 0);
  iv[14] = 0;
  iv[15] = 0;
  iv.writeUInt32BE((iv.readUInt32BE(4) ^ ssrc) >>> 0, 4);
  // The 48-bit index in bytes 8..13.
  const high = Math.floor(index / 0x100000000);
  iv.writeUInt16BE(iv.readUInt16BE(8) ^ (high & 0xffff), 8);
  iv.writeUInt32BE((iv.readUInt32BE(10) ^ index) >>> 0, 10);
  return iv;
}

const SHA1_BLOCK_BYTES = 64;
const SHA1_BYTES = 20;

/**
 * Protects one stream's packets. The load publisher protects every packet of
 * the shared picture once per counter (~17,000 a second for 150 counters), so
 * the per-packet work avoids Node's per-call crypto objects: a new AES-CTR
 * cipher and a new HMAC per packet cost about half the relay's CPU.
 * - The keystream comes from one AES-ECB cipher kept for the stream, fed the
 *   packet's counter blocks (RFC 3711 AES-CM is AES of IV + block number).
 * - HMAC-SHA1 is two one-shot hashes over the key pads (RFC 2104); the inner
 *   pad is written just before the packet in the output buffer, so the
 *   message is hashed where it lies.
 */
export class SrtpSender {
  readonly #ecb: Cipher;
  readonly #salt: Buffer;
  /** The HMAC key XOR ipad, then XOR opad followed by room for the inner hash. */
  readonly #innerPad: Buffer;
  readonly #outerInput: Buffer;
  /** Counter blocks: bytes 14..15 of block i hold i; the IV is written into the rest per packet. */
  #blocks = counterBlocks(96);
  #roc = 0;
  #lastSeq = -1;

  /** `key`: the base64 master key + salt the SFU gave, or session keys already derived (test vectors). */
  constructor(key: string | SessionKeys) {
    const keys = typeof key === 'string' ? deriveSessionKeys(...splitKey(key)) : key;
    this.#ecb = createCipheriv('aes-128-ecb', keys.encKey, null);
    this.#ecb.setAutoPadding(false);
    this.#salt = keys.salt;
    this.#innerPad = Buffer.alloc(SHA1_BLOCK_BYTES, 0x36);
    this.#outerInput = Buffer.alloc(SHA1_BLOCK_BYTES + SHA1_BYTES);
    this.#outerInput.fill(0x5c, 0, SHA1_BLOCK_BYTES);
    for (let i = 0; i < keys.authKey.length; i++) {
      const byte = keys.authKey[i] ?? 0;
      this.#innerPad[i] = byte ^ 0x36;
      this.#outerInput[i] = byte ^ 0x5c;
    }
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
    const length = packet.length;
    // [inner pad | header, encrypted payload | ROC, then the tag over it]
    const buffer = Buffer.allocUnsafe(SHA1_BLOCK_BYTES + length + AUTH_TAG_BYTES);
    const start = SHA1_BLOCK_BYTES;
    this.#innerPad.copy(buffer, 0);
    packet.copy(buffer, start, 0, offset);
    if (rewrite) {
      buffer[start + 1] = ((buffer[start + 1] ?? 0) & 0x80) | (rewrite.payloadType & 0x7f);
      buffer.writeUInt32BE(rewrite.ssrc >>> 0, start + 8);
    }
    const keystream = this.#keystream(buffer.readUInt32BE(start + 8), roc * 0x10000 + seq, length - offset);
    for (let i = 0, at = start + offset; at < start + length; i++, at++)
      buffer[at] = (packet[offset + i] ?? 0) ^ (keystream[i] ?? 0);
    buffer.writeUInt32BE(roc >>> 0, start + length);
    hash('sha1', buffer.subarray(0, start + length + 4), 'buffer').copy(this.#outerInput, SHA1_BLOCK_BYTES);
    hash('sha1', this.#outerInput, 'buffer').copy(buffer, start + length, 0, AUTH_TAG_BYTES);
    return buffer.subarray(start);
  }

  #keystream(ssrc: number, index: number, bytes: number): Buffer {
    const count = Math.ceil(bytes / 16);
    if (count > this.#blocks.bytes.length / 16) this.#blocks = counterBlocks(count);
    const { bytes: blocks, words, halves } = this.#blocks;
    packetIv(this.#salt, ssrc, index, blocks);
    // Bytes 0..13 of the IV into every block, as three words and a half-word (views of the same memory).
    const [w0 = 0, w1 = 0, w2 = 0] = words;
    const h6 = halves[6] ?? 0;
    for (let block = 1; block < count; block++) {
      words[block * 4] = w0;
      words[block * 4 + 1] = w1;
      words[block * 4 + 2] = w2;
      halves[block * 8 + 6] = h6;
    }
    const keystream = this.#ecb.update(blocks.subarray(0, count * 16));
    if (keystream.length !== count * 16) throw new Error('AES-ECB returned a partial keystream');
    return keystream;
  }
}

/** Counter blocks for `count` AES blocks, in memory of their own (aligned for the word views). */
function counterBlocks(count: number): { bytes: Buffer; words: Uint32Array; halves: Uint16Array } {
  const memory = new ArrayBuffer(count * 16);
  const bytes = Buffer.from(memory);
  for (let block = 0; block < count; block++) bytes.writeUInt16BE(block & 0xffff, block * 16 + 14);
  return { bytes, words: new Uint32Array(memory), halves: new Uint16Array(memory) };
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
