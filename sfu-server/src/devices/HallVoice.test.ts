import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HallVoice, announcementText, spokenTicket } from './HallVoice.js';
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

describe('HallVoice', () => {
  let dir: string;
  const logger = pino({ level: 'silent' });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-voice-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const seconds = (wav: Buffer) => {
    const pcm = readWav(wav);
    return pcm.samples.length / pcm.sampleRate;
  };

  it('speaks with espeak-ng after the chime, keeps each sentence once, and prunes the least recently used', async () => {
    const voice = new HallVoice({ dir, logger, maxFiles: 2 });
    const first = await voice.announcement('Mời số a, không một chín, đến quầy 1.');
    expect(seconds(first)).toBeGreaterThan(3.5); // 1.6 s chime and pauses + the sentence
    expect(await voice.announcement('Mời số a, không một chín, đến quầy 1.')).toEqual(first);
    await voice.announcement('Mời số bê, không không một, đến quầy 2.');
    await voice.announcement('Mời số a, không một chín, đến quầy 1.'); // used again: kept
    await voice.announcement('Mời số xê, không không hai, đến quầy 3.');
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.wav'))).toHaveLength(2);
  }, 30_000); // four real espeak-ng runs, on a busy machine

  it('without espeak-ng the hall still hears the chime (and nothing broken is cached)', async () => {
    const voice = new HallVoice({ dir, logger, espeakPath: path.join(dir, 'no-such-espeak') });
    const wav = await voice.announcement('Mời số a, không một chín, đến quầy 1.');
    expect(seconds(wav)).toBeGreaterThan(1.5);
    expect(seconds(wav)).toBeLessThan(2.5);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
