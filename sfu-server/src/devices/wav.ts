/**
 * Just enough WAV for the hall's announcements: read 16-bit PCM (what
 * espeak-ng writes), write it back, and make a chime at the same rate.
 */
export interface Pcm {
  sampleRate: number;
  /** Mono, signed 16-bit. */
  samples: Int16Array;
}

export class WavError extends Error {}

/** Reads a RIFF/WAVE file of 16-bit PCM; stereo is mixed down to mono. */
export function readWav(buffer: Buffer): Pcm {
  if (
    buffer.length < 12 ||
    buffer.toString('ascii', 0, 4) !== 'RIFF' ||
    buffer.toString('ascii', 8, 12) !== 'WAVE'
  ) {
    throw new WavError('not a RIFF/WAVE file');
  }
  let offset = 12;
  let format: { channels: number; sampleRate: number; bits: number; audioFormat: number } | undefined;
  while (offset + 8 <= buffer.length) {
    const id = buffer.toString('ascii', offset, offset + 4);
    let size = buffer.readUInt32LE(offset + 4);
    const body = offset + 8;
    // A writer that streamed to a pipe may leave the data size unknown (0 or 0xFFFFFFFF): take the rest.
    if (id === 'data' && (size === 0 || body + size > buffer.length)) size = buffer.length - body;
    if (id === 'fmt ') {
      format = {
        audioFormat: buffer.readUInt16LE(body),
        channels: buffer.readUInt16LE(body + 2),
        sampleRate: buffer.readUInt32LE(body + 4),
        bits: buffer.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (!format) throw new WavError('data before fmt');
      if (format.audioFormat !== 1 || format.bits !== 16 || format.channels < 1) {
        throw new WavError(`unsupported WAV: format ${format.audioFormat}, ${format.bits} bits`);
      }
      const frames = Math.floor(size / (2 * format.channels));
      const samples = new Int16Array(frames);
      for (let i = 0; i < frames; i++) {
        let sum = 0;
        for (let c = 0; c < format.channels; c++)
          sum += buffer.readInt16LE(body + 2 * (i * format.channels + c));
        samples[i] = Math.round(sum / format.channels);
      }
      return { sampleRate: format.sampleRate, samples };
    }
    offset = body + size + (size % 2);
  }
  throw new WavError('no data chunk');
}

export function writeWav({ sampleRate, samples }: Pcm): Buffer {
  const data = samples.length * 2;
  const out = Buffer.alloc(44 + data);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + data, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(data, 40);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i] ?? 0, 44 + 2 * i);
  return out;
}

/** A two-tone "ding-dong", bell-like (a few partials, exponential decay). */
export function chime(sampleRate: number): Int16Array {
  const notes = [
    { freq: 784, start: 0, length: 0.9 }, // G5
    { freq: 622.3, start: 0.45, length: 1.1 }, // D#5
  ];
  const total = Math.ceil(sampleRate * 1.6);
  const mix = new Float64Array(total);
  for (const note of notes) {
    const from = Math.floor(note.start * sampleRate);
    const n = Math.floor(note.length * sampleRate);
    for (let i = 0; i < n && from + i < total; i++) {
      const t = i / sampleRate;
      const envelope = Math.exp(-4 * t) * Math.min(1, t * 200);
      const tone =
        Math.sin(2 * Math.PI * note.freq * t) +
        0.4 * Math.sin(2 * Math.PI * note.freq * 2 * t) +
        0.15 * Math.sin(2 * Math.PI * note.freq * 3 * t);
      mix[from + i] = (mix[from + i] ?? 0) + envelope * tone;
    }
  }
  const out = new Int16Array(total);
  for (let i = 0; i < total; i++)
    out[i] = Math.round(Math.max(-1, Math.min(1, (mix[i] ?? 0) * 0.35)) * 32767);
  return out;
}

export function silence(sampleRate: number, seconds: number): Int16Array {
  return new Int16Array(Math.round(sampleRate * seconds));
}

export function concat(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
