/** The one HTTP client: bearer token, problem details, 401 → sign-in, 502 → service banner. */

import { markDown, markUp } from "./banner";
import { ApiError, type ProblemBody } from "./problems";
import { clearSession, getSession, rememberReturn } from "./session";

export type Service = "goals" | "checkins" | "reviews" | "incentives" | "projections";

type Unauthorized = () => void;

let onUnauthorized: Unauthorized = () => window.location.assign("/signin");

/** The app sets this to a router navigation; the default reloads into the sign-in page. */
export function setUnauthorizedHandler(handler: Unauthorized): void {
  onUnauthorized = handler;
}

function currentPath(): string {
  return window.location.pathname + window.location.search;
}

async function problemOf(response: Response): Promise<ProblemBody> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as unknown;
    if (body && typeof body === "object") return body as ProblemBody;
  } catch {
    // a body that is not JSON: fall back to the status line below
  }
  return { status: response.status, title: response.statusText, detail: text || undefined };
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  signal?: AbortSignal;
  anonymous?: boolean;
  /** A body sent as it is (a CSV file), with its media type, instead of JSON. */
  raw?: { type: string; text: string };
}

/** Calls `/api/<service><path>` (or `path` itself when `service` is null) and answers its JSON. */
export async function request<T>(
  service: Service | null,
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  const session = getSession();
  if (session && !options.anonymous) headers.Authorization = `Bearer ${session.token}`;
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  if (options.raw) headers["Content-Type"] = options.raw.type;
  const url = service ? `/api/${service}${path}` : path;
  const response = await fetch(url, {
    method: options.method ?? "GET",
    headers,
    body: options.raw
      ? options.raw.text
      : options.body === undefined
        ? undefined
        : JSON.stringify(options.body),
    signal: options.signal,
  });
  if (response.ok) {
    if (service) markUp(service);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }
  const problem = await problemOf(response);
  if (response.status === 502 && service) markDown(problem.service ?? service);
  if (response.status === 401 && !options.anonymous) {
    rememberReturn(currentPath());
    clearSession();
    onUnauthorized();
  }
  throw new ApiError(response.status, problem);
}

export const api = {
  get: <T>(service: Service, path: string, signal?: AbortSignal) =>
    request<T>(service, path, { signal }),
  post: <T>(service: Service, path: string, body: unknown) =>
    request<T>(service, path, { method: "POST", body }),
  put: <T>(service: Service, path: string, body: unknown) =>
    request<T>(service, path, { method: "PUT", body }),
  postText: <T>(service: Service, path: string, type: string, text: string) =>
    request<T>(service, path, { method: "POST", raw: { type, text } }),
};
