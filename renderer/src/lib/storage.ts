/**
 * Preferences in localStorage. Storage can be unavailable (disabled, full, or an opaque
 * origin), and a preference is never worth an error: reads fall back to null, writes are
 * dropped.
 */
export function readPreference(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

export function writePreference(key: string, value: string): void {
  try {
    globalThis.localStorage?.setItem(key, value);
  } catch {
    // Not remembered this time; the choice still applies to this window.
  }
}
