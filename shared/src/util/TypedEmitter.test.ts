import { afterEach, describe, expect, it, vi } from 'vitest';
import { TypedEmitter, setListenerErrorHandler } from './TypedEmitter.js';

type Events = {
  value: [n: number];
  pair: [a: string, b: number];
  none: [];
};

/** Lets rejected listener promises settle and reach the error handler. */
const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('TypedEmitter', () => {
  afterEach(() => {
    // Restore a console-based default so one test's handler never leaks into another.
    setListenerErrorHandler((error, event) => {
      console.error(`listener for "${event}" threw`, error);
    });
    vi.restoreAllMocks();
  });

  it('calls listeners in registration order with the emitted arguments', () => {
    const emitter = new TypedEmitter<Events>();
    const calls: string[] = [];
    emitter.on('pair', (a, b) => calls.push(`first ${a} ${b}`));
    emitter.on('pair', (a, b) => calls.push(`second ${a} ${b}`));
    emitter.emit('pair', 'x', 2);
    expect(calls).toEqual(['first x 2', 'second x 2']);
  });

  it('emit returns whether any listener existed', () => {
    const emitter = new TypedEmitter<Events>();
    expect(emitter.emit('none')).toBe(false);
    const listener = vi.fn();
    emitter.on('none', listener);
    expect(emitter.emit('none')).toBe(true);
    emitter.off('none', listener);
    expect(emitter.emit('none')).toBe(false);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('only calls listeners of the emitted event', () => {
    const emitter = new TypedEmitter<Events>();
    const value = vi.fn();
    const none = vi.fn();
    emitter.on('value', value).on('none', none);
    emitter.emit('value', 1);
    expect(value).toHaveBeenCalledWith(1);
    expect(none).not.toHaveBeenCalled();
  });

  it('registers the same function once per event (set semantics)', () => {
    const emitter = new TypedEmitter<Events>();
    const listener = vi.fn();
    emitter.on('value', listener).on('value', listener);
    expect(emitter.listenerCount('value')).toBe(1);
    emitter.emit('value', 3);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('once fires a single time and then removes itself', () => {
    const emitter = new TypedEmitter<Events>();
    const listener = vi.fn();
    emitter.once('value', listener);
    expect(emitter.listenerCount('value')).toBe(1);
    emitter.emit('value', 1);
    emitter.emit('value', 2);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener).toHaveBeenCalledWith(1);
    expect(emitter.listenerCount('value')).toBe(0);
  });

  it('off with the original function removes a once listener before it fires', () => {
    const emitter = new TypedEmitter<Events>();
    const listener = vi.fn();
    emitter.once('value', listener);
    emitter.off('value', listener);
    expect(emitter.listenerCount('value')).toBe(0);
    expect(emitter.emit('value', 1)).toBe(false);
    expect(listener).not.toHaveBeenCalled();
  });

  // BUG: the once-wrapper map is keyed by listener only, so a second `once` with the same
  // function (for another event) overwrites the first wrapper and `off('value', fn)` can no longer
  // find the wrapper registered for 'value' (TypedEmitter.ts, once/off).
  it('off removes a once listener even when the same function is also once-registered elsewhere', () => {
    const emitter = new TypedEmitter<Events>();
    const listener = vi.fn();
    emitter.once('value', listener);
    emitter.once('none', listener);
    emitter.off('value', listener);
    emitter.emit('value', 1);
    expect(listener).not.toHaveBeenCalled();
  });

  it('off of one event leaves the other events alone', () => {
    const emitter = new TypedEmitter<Events>();
    const listener = vi.fn();
    emitter.on('value', listener).on('none', listener);
    emitter.off('none', listener);
    emitter.emit('value', 5);
    emitter.emit('none');
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('removeAllListeners clears one event or every event', () => {
    const emitter = new TypedEmitter<Events>();
    emitter.on('value', vi.fn()).on('none', vi.fn());
    emitter.removeAllListeners('value');
    expect(emitter.listenerCount('value')).toBe(0);
    expect(emitter.listenerCount('none')).toBe(1);
    emitter.removeAllListeners();
    expect(emitter.listenerCount('none')).toBe(0);
  });

  it('reports a throwing listener to the constructor handler and still runs the others', () => {
    const onListenerError = vi.fn();
    const emitter = new TypedEmitter<Events>({ onListenerError });
    const boom = new Error('boom');
    const after = vi.fn();
    emitter.on('value', () => {
      throw boom;
    });
    emitter.on('value', after);
    expect(() => emitter.emit('value', 7)).not.toThrow();
    expect(after).toHaveBeenCalledWith(7);
    expect(onListenerError).toHaveBeenCalledExactlyOnceWith(boom, 'value');
  });

  it('reports a rejecting async listener and still runs the others', async () => {
    const onListenerError = vi.fn();
    const emitter = new TypedEmitter<Events>({ onListenerError });
    const boom = new Error('async boom');
    const after = vi.fn();
    emitter.on('value', async () => {
      await Promise.resolve();
      throw boom;
    });
    emitter.on('value', after);
    emitter.emit('value', 1);
    expect(after).toHaveBeenCalled();
    await flush();
    expect(onListenerError).toHaveBeenCalledExactlyOnceWith(boom, 'value');
  });

  it('does not report async listeners that resolve', async () => {
    const onListenerError = vi.fn();
    const emitter = new TypedEmitter<Events>({ onListenerError });
    emitter.on('none', async () => 'fine');
    emitter.emit('none');
    await flush();
    expect(onListenerError).not.toHaveBeenCalled();
  });

  it('falls back to console.error when no handler was set', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const emitter = new TypedEmitter<Events>();
    const boom = new Error('unhandled');
    emitter.on('none', () => {
      throw boom;
    });
    emitter.emit('none');
    expect(spy).toHaveBeenCalledWith('listener for "none" threw', boom);
  });

  it('setListenerErrorHandler replaces the default for every emitter without its own handler', () => {
    const global = vi.fn();
    setListenerErrorHandler(global);
    const own = vi.fn();
    const plain = new TypedEmitter<Events>();
    const custom = new TypedEmitter<Events>({ onListenerError: own });
    const boom = new Error('x');
    const thrower = (): never => {
      throw boom;
    };
    plain.on('none', thrower);
    custom.on('none', thrower);
    plain.emit('none');
    custom.emit('none');
    expect(global).toHaveBeenCalledExactlyOnceWith(boom, 'none');
    expect(own).toHaveBeenCalledExactlyOnceWith(boom, 'none');
  });

  it('a listener removed during emit still runs in that emit but not in the next', () => {
    const emitter = new TypedEmitter<Events>();
    const second = vi.fn();
    emitter.on('none', () => {
      emitter.off('none', second);
    });
    emitter.on('none', second);
    emitter.emit('none');
    emitter.emit('none');
    expect(second).toHaveBeenCalledTimes(1);
  });
});
