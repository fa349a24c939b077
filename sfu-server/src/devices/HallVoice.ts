import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { counterShortName } from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import { chime, concat, readWav, silence, writeWav } from './wav.js';

/** Sample rate of the chime-only fallback (espeak-ng's own rate). */
const FALLBACK_RATE = 22_050;
const SPEAK_TIMEOUT_MS = 10_000;

const DIGITS = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín'];
/** Vietnamese names of Latin letters, as a hall announcer says them. */
const LETTERS: Record<string, string> = {
  A: 'a',
  B: 'bê',
  C: 'xê',
  D: 'dê',
  E: 'e',
  F: 'ép',
  G: 'gờ',
  H: 'hát',
  I: 'i',
  J: 'gi',
  K: 'ca',
  L: 'lờ',
  M: 'mờ',
  N: 'nờ',
  O: 'o',
  P: 'pê',
  Q: 'quy',
  R: 'rờ',
  S: 'ét',
  T: 'tê',
  U: 'u',
  V: 'vê',
  W: 'vê kép',
  X: 'ích',
  Y: 'i',
  Z: 'dét',
};

/** `A019` → `a, không một chín`: letters by name, digits one by one (never "mười chín" vs "một chín"). */
export function spokenTicket(number: string): string {
  const words: string[] = [];
  for (const ch of number.toUpperCase()) {
    if (/\d/.test(ch)) words.push(DIGITS[Number(ch)] ?? ch);
    else if (LETTERS[ch]) words.push(`${LETTERS[ch]},`);
  }
  return words.join(' ').replace(/,$/, '');
}

/** What the board shows and says: "Mời số A019 đến Quầy 1". */
export function announcementText(
  ticketNumber: string,
  counterName: string,
): { shown: string; spoken: string } {
  const counter = counterShortName(counterName);
  return {
    shown: `Mời số ${ticketNumber} đến ${counter}`,
    spoken: `Mời số ${spokenTicket(ticketNumber)}, đến ${counter.toLowerCase()}.`,
  };
}

export interface HallVoiceOptions {
  /** Where generated announcements are cached (one WAV per distinct sentence). */
  dir: string;
  logger: Logger;
  /** The espeak-ng binary (Debian: `espeak-ng`). */
  espeakPath?: string;
  voice?: string;
  /** Words per minute: slower than the default 175 for a hall with an echo. */
  speed?: number;
  /** Announcements kept on disk (about 200 kB each); the least recently used go first. */
  maxFiles?: number;
}

/**
 * The hall's voice calls, made on this server without any network service:
 * a chime, then the sentence spoken by espeak-ng's Vietnamese voice, as one
 * WAV. Each distinct sentence is generated once and kept on disk; the same
 * call repeated (a recall) is the same file. espeak-ng runs with an argument
 * array and the text on stdin, one at a time. Without espeak-ng the chime
 * alone is served, and the log says why.
 */
export class HallVoice {
  readonly #dir: string;
  readonly #logger: Logger;
  readonly #espeak: string;
  readonly #voice: string;
  readonly #speed: number;
  readonly #maxFiles: number;
  readonly #pending = new Map<string, Promise<Buffer>>();
  #lane: Promise<unknown> = Promise.resolve();
  #warned = false;

  constructor(options: HallVoiceOptions) {
    this.#dir = options.dir;
    this.#logger = options.logger.child({ module: 'hall-voice' });
    this.#espeak = options.espeakPath ?? 'espeak-ng';
    this.#voice = options.voice ?? 'vi';
    this.#speed = options.speed ?? 135;
    this.#maxFiles = options.maxFiles ?? 500;
  }

  /** The chime and the spoken sentence, as WAV bytes. */
  announcement(spoken: string): Promise<Buffer> {
    const key = createHash('sha256')
      .update(`v1\0${this.#voice}\0${this.#speed}\0${spoken}`)
      .digest('hex')
      .slice(0, 32);
    const file = path.join(this.#dir, `${key}.wav`);
    const inFlight = this.#pending.get(key);
    if (inFlight) return inFlight;
    const made = (async () => {
      try {
        const cached = await fs.promises.readFile(file);
        // Used again: it moves to the back of the pruning line.
        const now = new Date(); // eslint-disable-line no-restricted-syntax -- a file time for LRU pruning, compared with other file times
        await fs.promises.utimes(file, now, now).catch(() => undefined);
        return cached;
      } catch {
        // not made yet
      }
      // One espeak-ng at a time: a burst of calls must not fork a crowd.
      const run = this.#lane.then(() => this.#make(spoken));
      this.#lane = run.catch(() => undefined);
      const { wav, cacheable } = await run;
      if (cacheable) {
        await fs.promises.mkdir(this.#dir, { recursive: true, mode: 0o700 });
        const temp = `${file}.${process.pid}.tmp`;
        await fs.promises.writeFile(temp, wav);
        await fs.promises.rename(temp, file);
        await this.#prune();
      }
      return wav;
    })();
    this.#pending.set(key, made);
    void made.finally(() => this.#pending.delete(key)).catch(() => undefined);
    return made;
  }

  /** Numbers and counters repeat day after day, so the cache stays useful; it never grows without bound. */
  async #prune(): Promise<void> {
    try {
      const names = (await fs.promises.readdir(this.#dir)).filter((n) => n.endsWith('.wav'));
      if (names.length <= this.#maxFiles) return;
      const aged = await Promise.all(
        names.map(async (name) => {
          const at = await fs.promises
            .stat(path.join(this.#dir, name))
            .then((st) => st.mtimeMs)
            .catch(() => 0);
          return { name, at };
        }),
      );
      aged.sort((a, b) => a.at - b.at);
      for (const { name } of aged.slice(0, names.length - this.#maxFiles)) {
        await fs.promises.rm(path.join(this.#dir, name), { force: true });
      }
    } catch (error) {
      this.#logger.warn({ err: error }, 'voice cache not pruned');
    }
  }

  async #make(spoken: string): Promise<{ wav: Buffer; cacheable: boolean }> {
    try {
      const speech = readWav(await this.#speak(spoken));
      const rate = speech.sampleRate;
      return {
        wav: writeWav({
          sampleRate: rate,
          samples: concat([
            silence(rate, 0.15),
            chime(rate),
            silence(rate, 0.2),
            speech.samples,
            silence(rate, 0.3),
          ]),
        }),
        cacheable: true,
      };
    } catch (error) {
      if (!this.#warned) {
        this.#warned = true;
        this.#logger.error(
          { err: error },
          'voice calls unavailable (is espeak-ng installed?); the hall hears the chime only',
        );
      }
      return {
        wav: writeWav({
          sampleRate: FALLBACK_RATE,
          samples: concat([chime(FALLBACK_RATE), silence(FALLBACK_RATE, 0.2)]),
        }),
        cacheable: false,
      };
    }
  }

  #speak(text: string): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.#espeak, ['-v', this.#voice, '-s', String(this.#speed), '--stdout'], {
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      let err = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), SPEAK_TIMEOUT_MS);
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => {
        err = (err + chunk.toString('utf8')).slice(-500);
      });
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve(Buffer.concat(out));
        else reject(new Error(`espeak-ng exited ${code ?? signal}: ${err.trim()}`));
      });
      child.stdin.on('error', () => undefined); // it may exit before reading everything; 'close' reports it
      child.stdin.end(text);
    });
  }
}
