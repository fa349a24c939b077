/**
 * Small localStorage helpers. Storage may be disabled (private mode, kiosk
 * lockdown): then every choice lasts for the page only, never an error.
 */
export function storedChoice<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
  const value = storedString(key);
  return allowed.find((a) => a === value) ?? fallback;
}

export function storedString(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // storage disabled: nothing remembered
  }
}

export function remember(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // storage disabled: the choice lasts for this page only
  }
}

export function forget(key: string): void {
  try {
    localStorage.removeItem(key);
  } catch {
    // storage disabled: there was nothing to forget
  }
}
