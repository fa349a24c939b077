/**
 * The alert chime: two short tones from a WebAudio oscillator (no audio
 * files to ship or cache). Browsers keep an AudioContext suspended until
 * the page has had a user gesture, so the first click or key press on the
 * console unlocks it.
 */
let context: AudioContext | undefined;

function audioContext(): AudioContext | undefined {
  if (context) return context;
  if (typeof AudioContext === 'undefined') return undefined;
  context = new AudioContext();
  return context;
}

/** Call once at start-up: resumes the context on the first user gesture. */
export function unlockAudioOnGesture(): () => void {
  const unlock = (): void => {
    const ctx = audioContext();
    if (ctx?.state === 'suspended') {
      ctx.resume().catch((error: unknown) => console.warn('alert sound unavailable', error));
    }
  };
  window.addEventListener('pointerdown', unlock, { once: true });
  window.addEventListener('keydown', unlock, { once: true });
  return () => {
    window.removeEventListener('pointerdown', unlock);
    window.removeEventListener('keydown', unlock);
  };
}

export function playAlertChime(): void {
  const ctx = audioContext();
  if (!ctx) return;
  if (ctx.state === 'suspended') {
    // Without a gesture yet this stays suspended: the on-screen badge still tells.
    ctx.resume().catch((error: unknown) => console.warn('alert sound unavailable', error));
  }
  const start = ctx.currentTime + 0.02;
  for (const [offset, frequency] of [
    [0, 880],
    [0.22, 660],
  ] as const) {
    const oscillator = ctx.createOscillator();
    const gain = ctx.createGain();
    oscillator.type = 'sine';
    oscillator.frequency.value = frequency;
    // Short attack and decay: no click at the edges.
    gain.gain.setValueAtTime(0, start + offset);
    gain.gain.linearRampToValueAtTime(0.25, start + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.001, start + offset + 0.18);
    oscillator.connect(gain).connect(ctx.destination);
    oscillator.start(start + offset);
    oscillator.stop(start + offset + 0.2);
  }
}
