import { navigate } from '../app/router';
import { useStore } from '../store/store';

/** "Xem trực tiếp": back to the wall with the counter's focus view open. */
export function openCounterLive(counterId: string): void {
  navigate('/');
  useStore.getState().focusCounter(counterId);
}
