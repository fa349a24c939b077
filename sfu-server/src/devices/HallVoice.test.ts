import { describe, expect, it } from 'vitest';
import { announcementText, spokenTicket } from './HallVoice.js';
import { chime, readWav, writeWav } from './wav.js';

describe('the hall voice call', () => {
  it('says the number letter by letter and digit by digit, and the counter by its short name', () => {
    expect(spokenTicket('A019')).toBe('a, không một chín');
    expect(spokenTicket('B100')).toBe('bê, một không không');
    expect(announcementText('A019', 'Quầy 1 — Căn cước')).toEqual({
      shown: 'Mời số A019 đến Quầy 1',
      spoken: 'Mời số a, không một chín, đến quầy 1.',
    });
  });

  it('writes and reads back 16-bit mono WAV, also with the unknown size a pipe leaves', () => {
    const samples = chime(22_050);
    expect(samples.length / 22_050).toBeCloseTo(1.6, 1);
    expect(Math.max(...samples.slice(0, 22_050).map(Math.abs))).toBeGreaterThan(5_000);
    const wav = writeWav({ sampleRate: 22_050, samples });
    const back = readWav(wav);
    expect(back.sampleRate).toBe(22_050);
    expect(back.samples).toEqual(samples);
    // espeak-ng --stdout writes 0x7ffff000 as the data size: the rest of the file is the data.
    const streamed = Buffer.from(wav);
    streamed.writeUInt32LE(0x7ffff000, 40);
    expect(readWav(streamed).samples.length).toBe(samples.length);
    expect(() => readWav(Buffer.from('not a wav at all'))).toThrow(/RIFF/);
  });
});
