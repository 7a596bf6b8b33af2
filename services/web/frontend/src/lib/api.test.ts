import { afterEach, describe, expect, it, vi } from "vitest";
import { request, setUnauthorizedHandler } from "./api";
import { downServices, markUp } from "./banner";
import { loadDraft, saveDraft } from "./drafts";
import { ApiError } from "./problems";
import { getSession, setSession, takeReturn } from "./session";
import { jsonResponse } from "../test/render";

const person = { person_id: "ana@shopco.example", name: "Ana", org_unit_id: null, locale: null, roles: [] };

afterEach(() => {
  vi.unstubAllGlobals();
  markUp("checkins");
});

describe("the API client", () => {
  it("sends the token and answers the JSON", async () => {
    setSession({ token: "t0k", expiresAt: null, person });
    const fetch = vi.fn(async () => jsonResponse(200, { items: [] }));
    vi.stubGlobal("fetch", fetch);
    expect(await request("goals", "/v1/cycles")).toEqual({ items: [] });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/goals/v1/cycles");
    expect((init.headers as Record<string, string>).Authorization).toBe("Bearer t0k");
  });

  it("on a 401 drops the token, goes to sign-in, remembers the page and keeps the draft", async () => {
    setSession({ token: "expired", expiresAt: null, person });
    saveDraft("checkin.kr-1", { value: "12", confidence: "7" });
    window.history.pushState({}, "", "/my?x=1");
    const toSignIn = vi.fn();
    setUnauthorizedHandler(toSignIn);
    vi.stubGlobal("fetch", vi.fn(async () => jsonResponse(401, { title: "Unauthorized", status: 401 })));

    await expect(request("checkins", "/v1/check-ins", { method: "POST", body: {} })).rejects.toThrow(
      ApiError,
    );
    expect(toSignIn).toHaveBeenCalledOnce();
    expect(getSession()).toBeNull();
    expect(sessionStorage.getItem("okr.session")).toBeNull();
    expect(loadDraft("checkin.kr-1")).toEqual({ value: "12", confidence: "7" });
    expect(takeReturn()).toBe("/my?x=1");
  });

  it("marks a service down on the proxy's 502 and up again once it answers", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () =>
        jsonResponse(502, { title: "Service unavailable", detail: "refused", service: "checkins" }, "application/problem+json"),
      ),
    );
    const failure = await request("checkins", "/v1/key-results/k/check-ins").catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).message).toBe("refused");
    expect(downServices()).toEqual(["checkins"]);

    vi.stubGlobal("fetch", vi.fn(async () => jsonResponse(200, {})));
    await request("checkins", "/v1/key-results/k/check-ins");
    expect(downServices()).toEqual([]);
  });
});
