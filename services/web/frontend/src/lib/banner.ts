/** Which services answered 502 through the proxy most recently (the service banner reads it). */

const down = new Set<string>();
const listeners = new Set<() => void>();
let snapshot: readonly string[] = [];

function changed(): void {
  snapshot = [...down].sort();
  listeners.forEach((listener) => listener());
}

export function markDown(service: string): void {
  if (!down.has(service)) {
    down.add(service);
    changed();
  }
}

export function markUp(service: string): void {
  if (down.delete(service)) changed();
}

export function downServices(): readonly string[] {
  return snapshot;
}

export function subscribeDown(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
