/**
 * A small typed event emitter that works in Node and in the browser.
 *
 * Events are declared as a map of argument tuples. A listener that throws (or
 * returns a rejected promise) is reported to the error handler and never
 * breaks the emitter or the other listeners.
 */
export type EventMap = { [event: string]: unknown[] };

type Listener<Args extends unknown[]> = (...args: Args) => unknown;

export type ListenerErrorHandler = (error: unknown, event: string) => void;

let defaultListenerErrorHandler: ListenerErrorHandler = (error, event) => {
  // Last resort when no logger was wired in: never swallow silently.
  console.error(`listener for "${event}" threw`, error);
};

/** Set once at process start so every emitter reports through the app's logger. */
export function setListenerErrorHandler(handler: ListenerErrorHandler): void {
  defaultListenerErrorHandler = handler;
}

export class TypedEmitter<E extends EventMap> {
  readonly #listeners = new Map<keyof E, Set<Listener<never[]>>>();
  /** `once` wrappers by original listener and event, so `off(event, original)` removes them too. */
  readonly #onceWrappers = new WeakMap<Listener<never[]>, Map<keyof E, Listener<never[]>>>();
  readonly #onListenerError: ListenerErrorHandler | undefined;

  constructor(options: { onListenerError?: ListenerErrorHandler } = {}) {
    this.#onListenerError = options.onListenerError;
  }

  on<K extends keyof E & string>(event: K, listener: Listener<E[K]>): this {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener);
    return this;
  }

  once<K extends keyof E & string>(event: K, listener: Listener<E[K]>): this {
    const wrapper = (...args: E[K]): unknown => {
      this.off(event, wrapper);
      return listener(...args);
    };
    const byEvent = this.#onceWrappers.get(listener) ?? new Map<keyof E, Listener<never[]>>();
    byEvent.set(event, wrapper);
    this.#onceWrappers.set(listener, byEvent);
    return this.on(event, wrapper);
  }

  off<K extends keyof E & string>(event: K, listener: Listener<E[K]>): this {
    const set = this.#listeners.get(event);
    const key = listener as Listener<never[]>;
    set?.delete(key);
    const byEvent = this.#onceWrappers.get(key);
    const wrapper = byEvent?.get(event);
    if (wrapper) {
      set?.delete(wrapper);
      byEvent?.delete(event);
    }
    return this;
  }

  removeAllListeners(event?: keyof E & string): this {
    if (event === undefined) this.#listeners.clear();
    else this.#listeners.delete(event);
    return this;
  }

  listenerCount(event: keyof E & string): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  /** Calls every listener; returns whether there was any. */
  emit<K extends keyof E & string>(event: K, ...args: E[K]): boolean {
    const set = this.#listeners.get(event);
    if (!set || set.size === 0) return false;
    for (const listener of [...set]) {
      try {
        const result = (listener as Listener<E[K]>)(...args);
        if (result instanceof Promise) {
          result.catch((error: unknown) => this.#reportListenerError(error, event));
        }
      } catch (error) {
        this.#reportListenerError(error, event);
      }
    }
    return true;
  }

  #reportListenerError(error: unknown, event: string): void {
    (this.#onListenerError ?? defaultListenerErrorHandler)(error, event);
  }
}
