import { performance } from 'node:perf_hooks';
import type { Storage } from '../storage/Storage.js';

/** The sub-stores whose calls are timed too, named `area.method`. The change feed is left alone (sync). */
const AREAS = [
  'audit',
  'settings',
  'recordings',
  'reviews',
  'inspections',
  'devices',
  'wallViews',
  'officers',
  'campaigns',
] as const;

export type ObserveCall = (operation: string, seconds: number, ok: boolean) => void;

/**
 * The same storage with every promise-returning call timed (database
 * latency as the server experiences it, on either backend). Methods run on
 * the real object (`#private` fields need it); results and errors pass through
 * untouched.
 */
export function instrumentStorage(storage: Storage, observe: ObserveCall): Storage {
  const areas = new Map<PropertyKey, unknown>(
    AREAS.map((area) => [area, timed(storage[area] as object, `${area}.`, observe)]),
  );
  return timed(storage, '', observe, areas);
}

function timed<T extends object>(
  target: T,
  prefix: string,
  observe: ObserveCall,
  overrides = new Map<PropertyKey, unknown>(),
): T {
  const wrappers = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(object, property) {
      if (overrides.has(property)) return overrides.get(property);
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function' || typeof property !== 'string' || property === 'constructor')
        return value;
      let wrapper = wrappers.get(property);
      if (!wrapper) {
        const method = value as (...args: unknown[]) => unknown;
        const operation = `${prefix}${property}`;
        wrapper = (...args: unknown[]): unknown => {
          const started = performance.now();
          const result = method.apply(object, args);
          if (!(result instanceof Promise)) return result;
          return result.then(
            (resolved: unknown) => {
              observe(operation, (performance.now() - started) / 1000, true);
              return resolved;
            },
            (error: unknown) => {
              observe(operation, (performance.now() - started) / 1000, false);
              throw error;
            },
          );
        };
        wrappers.set(property, wrapper);
      }
      return wrapper;
    },
  });
}
