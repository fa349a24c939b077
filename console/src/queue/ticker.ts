/**
 * One shared one-second timer for every counting-up display (longest wait,
 * service time, clocks). Displays write their text straight to the DOM on
 * each tick, so nothing re-renders in React every second.
 */
const callbacks = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

export function everySecond(callback: () => void): () => void {
  callbacks.add(callback);
  timer ??= setInterval(() => {
    for (const cb of callbacks) cb();
  }, 1000);
  return () => {
    callbacks.delete(callback);
    if (callbacks.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}
