import { describe, expect, it } from "vitest";
import { claimAt, speakerOf, type AuthConfig } from "./oidc";

const CONFIG: AuthConfig = {
  mode: "oidc",
  issuer: "http://127.0.0.1:18080/realms/okr",
  client_id: "okr-web",
  scopes: "openid",
  person_claim: "email",
  roles_claim: "realm_access.roles",
};

function token(claims: Record<string, unknown>): string {
  const bytes = new TextEncoder().encode(JSON.stringify(claims));
  const payload = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_");
  return `e30.${payload.replace(/=+$/, "")}.sig`;
}

describe("the claims of a provider's token", () => {
  it("finds a claim by dotted path, a claim named with dots first", () => {
    const claims = { realm_access: { roles: ["admin"] }, "realm_access.roles": ["x"] };
    expect(claimAt(claims, "realm_access.roles")).toEqual(["x"]);
    expect(claimAt({ realm_access: { roles: ["admin"] } }, "realm_access.roles")).toEqual(["admin"]);
    expect(claimAt({ realm_access: "no" }, "realm_access.roles")).toBeUndefined();
  });

  it("names the person and roles by the configured claims, non-ASCII included", () => {
    const speaker = speakerOf(
      token({ sub: "7f0c", email: "李娜@acme.example", realm_access: { roles: ["leader", "admin"] } }),
      CONFIG,
    );
    expect(speaker).toEqual({ personId: "李娜@acme.example", roles: ["leader", "admin"] });
  });

  it("reads space-separated roles and refuses a token without the person claim", () => {
    const spaced = { ...CONFIG, roles_claim: "scope" };
    expect(speakerOf(token({ email: "a@b", scope: "admin  leader" }), spaced).roles).toEqual([
      "admin",
      "leader",
    ]);
    expect(() => speakerOf(token({ sub: "7f0c" }), CONFIG)).toThrow("'email' claim");
  });
});
