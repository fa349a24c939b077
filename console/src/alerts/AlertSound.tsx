import { useEffect } from 'react';
import { useStore } from '../store/store';
import { playAlertChime, unlockAudioOnGesture } from './alertSound';

/**
 * Chimes when new critical alerts arrive (the store bumps `criticalArrival`;
 * the first snapshot never does). A transient subscription: nothing renders.
 */
export function AlertSound() {
  useEffect(() => unlockAudioOnGesture(), []);
  useEffect(
    () =>
      useStore.subscribe((state, previous) => {
        if (state.criticalArrival.seq !== previous.criticalArrival.seq && !state.alertSoundMuted) {
          playAlertChime();
        }
      }),
    [],
  );
  return null;
}
