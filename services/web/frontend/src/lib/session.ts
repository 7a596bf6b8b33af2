/** The signed-in session: the token lives in memory and in sessionStorage (one tab's life). */

export interface Person {
  person_id: string;
  name: string | null;
  org_unit_id: string | null;
  locale: string | null;
  roles: string[];
}

export interface Session {
  token: string;
  expiresAt: number | null;
  person: Person;
  /** The OIDC provider's ID token, to end its session at sign-out. */
  idToken?: string;
}

const KEY = "okr.session";
const RETURN_KEY = "okr.returnTo";
let current: Session | null = null;
const listeners = new Set<() => void>();

function notify(): void {
  listeners.forEach((listener) => listener());
}

/** The session, or null when there is none or its token has expired. */
export function getSession(): Session | null {
  if (!current) {
    const stored = sessionStorage.getItem(KEY);
    if (!stored) return null;
    try {
      current = JSON.parse(stored) as Session;
    } catch {
      sessionStorage.removeItem(KEY);
      return null;
    }
  }
  if (current && current.expiresAt !== null && current.expiresAt <= Date.now()) {
    current = null;
    sessionStorage.removeItem(KEY);
  }
  return current;
}

export function setSession(session: Session): void {
  current = session;
  sessionStorage.setItem(KEY, JSON.stringify(session));
  notify();
}

export function clearSession(): void {
  current = null;
  sessionStorage.removeItem(KEY);
  notify();
}

export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Where to come back to after signing in again. */
export function rememberReturn(path: string): void {
  if (!path.startsWith("/signin")) sessionStorage.setItem(RETURN_KEY, path);
}

export function takeReturn(): string {
  const path = sessionStorage.getItem(RETURN_KEY);
  sessionStorage.removeItem(RETURN_KEY);
  return path && path.startsWith("/") && !path.startsWith("//") ? path : "/my";
}
