import type { BoardCall } from '@counterwatch/shared';

export type SoundState = 'unknown' | 'blocked' | 'on';

export interface AnnouncerEvents {
  sound: (state: SoundState) => void;
  /** A call was played to its end. */
  played: (call: BoardCall) => void;
  failed: (call: BoardCall, error: unknown) => void;
}

/** A tenth of a second of silence, to find out whether this page may play sound yet. */
function silentWav(): Blob {
  const rate = 8_000;
  const samples = rate / 10;
  const buffer = new ArrayBuffer(44 + samples * 2);
  const view = new DataView(buffer);
  const text = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) view.setUint8(at + i, s.charCodeAt(i));
  };
  text(0, 'RIFF');
  view.setUint32(4, 36 + samples * 2, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, 'data');
  view.setUint32(40, samples * 2, true);
  return new Blob([buffer], { type: 'audio/wav' });
}

/**
 * Plays the hall board's voice calls one after another, each as it comes
 * (a recall is a new call). Browsers refuse sound until someone has touched
 * the page: then the state is `blocked` and the board asks for one tap.
 * Framework-free; `close()` stops it.
 */
export class HallAnnouncer {
  readonly #audio = new Audio();
  readonly #fetchVoice: (call: BoardCall) => Promise<Blob>;
  readonly #on: AnnouncerEvents;
  readonly #queue: BoardCall[] = [];
  #state: SoundState = 'unknown';
  #playing = false;
  #closed = false;

  constructor(fetchVoice: (call: BoardCall) => Promise<Blob>, on: AnnouncerEvents) {
    this.#fetchVoice = fetchVoice;
    this.#on = on;
    this.#audio.preload = 'auto';
    void this.unlock();
  }

  get closed(): boolean {
    return this.#closed;
  }

  get state(): SoundState {
    return this.#state;
  }

  /** Tries to play (silence): succeeds after a tap, or where the browser allows sound anyway. */
  async unlock(): Promise<boolean> {
    const url = URL.createObjectURL(silentWav());
    try {
      this.#audio.src = url;
      await this.#audio.play();
      this.#setState('on');
      void this.#next();
      return true;
    } catch {
      this.#setState('blocked');
      return false;
    } finally {
      URL.revokeObjectURL(url);
    }
  }

  announce(call: BoardCall): void {
    if (this.#closed) return;
    // Without sound, calls are not kept for later: a backlog read out after a tap would mislead.
    if (this.#state === 'blocked') return;
    this.#queue.push(call);
    void this.#next();
  }

  close(): void {
    this.#closed = true;
    this.#queue.length = 0;
    this.#audio.pause();
    this.#audio.removeAttribute('src');
  }

  #setState(state: SoundState): void {
    if (this.#state === state) return;
    this.#state = state;
    if (state === 'blocked') this.#queue.length = 0;
    this.#on.sound(state);
  }

  async #next(): Promise<void> {
    if (this.#playing || this.#closed || this.#state !== 'on') return;
    const call = this.#queue.shift();
    if (!call) return;
    this.#playing = true;
    let url: string | undefined;
    try {
      url = URL.createObjectURL(await this.#fetchVoice(call));
      await this.#play(url);
      if (!this.closed) this.#on.played(call);
    } catch (error) {
      if (error instanceof DOMException && error.name === 'NotAllowedError') this.#setState('blocked');
      this.#on.failed(call, error);
    } finally {
      if (url) URL.revokeObjectURL(url);
      this.#playing = false;
      void this.#next();
    }
  }

  /** Plays to the end (or until it cannot: an error, or far past its length). */
  #play(url: string): Promise<void> {
    const audio = this.#audio;
    return new Promise<void>((resolve, reject) => {
      let guard: ReturnType<typeof setTimeout> | undefined;
      const done = (error?: unknown) => {
        clearTimeout(guard);
        audio.removeEventListener('ended', onEnded);
        audio.removeEventListener('error', onError);
        if (error === undefined) resolve();
        else reject(error instanceof Error ? error : new Error('the voice call could not be played'));
      };
      const onEnded = () => done();
      const onError = () => done(new Error('the voice call could not be played'));
      audio.addEventListener('ended', onEnded);
      audio.addEventListener('error', onError);
      audio.src = url;
      audio
        .play()
        .then(() => {
          const seconds = Number.isFinite(audio.duration) ? audio.duration : 15;
          // 'ended' never came (a stalled output): give up on this one rather than block the next.
          guard = setTimeout(() => done(new Error('the voice call did not finish')), (seconds + 5) * 1000);
        })
        .catch((error: unknown) => done(error));
    });
  }
}
