import { describe, expect, it } from "vitest";
import { getSession, rememberReturn, setSession, takeReturn } from "./session";

const person = { person_id: "p", name: null, org_unit_id: null, locale: null, roles: [] };

describe("the session", () => {
  it("is gone once its token has expired", () => {
    setSession({ token: "t", expiresAt: Date.now() - 1, person });
    expect(getSession()).toBeNull();
    expect(sessionStorage.getItem("okr.session")).toBeNull();
  });

  it("survives while the token is valid", () => {
    setSession({ token: "t", expiresAt: Date.now() + 60_000, person });
    expect(getSession()?.token).toBe("t");
  });

  it("comes back only to pages of this app, never to the sign-in page", () => {
    rememberReturn("/signin");
    expect(takeReturn()).toBe("/my");
    rememberReturn("/tree/2026-Q4");
    expect(takeReturn()).toBe("/tree/2026-Q4");
    sessionStorage.setItem("okr.returnTo", "//evil.example/");
    expect(takeReturn()).toBe("/my");
  });
});
