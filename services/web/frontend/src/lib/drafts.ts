/** Form drafts kept in sessionStorage, so a sign-in round trip loses nothing typed. */

const PREFIX = "okr.draft.";

export function loadDraft<T>(key: string): T | null {
  const stored = sessionStorage.getItem(PREFIX + key);
  if (!stored) return null;
  try {
    return JSON.parse(stored) as T;
  } catch {
    return null;
  }
}

export function saveDraft<T>(key: string, value: T): void {
  sessionStorage.setItem(PREFIX + key, JSON.stringify(value));
}

export function dropDraft(key: string): void {
  sessionStorage.removeItem(PREFIX + key);
}
