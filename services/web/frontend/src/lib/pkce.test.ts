import { describe, expect, it } from "vitest";
import { base64url, codeChallenge, randomVerifier } from "./pkce";

describe("PKCE", () => {
  it("derives the S256 challenge of RFC 7636's example verifier", async () => {
    expect(await codeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe(
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );
  });

  it("makes verifiers of unreserved characters, 43 or more long", () => {
    const verifier = randomVerifier();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(randomVerifier()).not.toBe(verifier);
  });

  it("encodes base64url without padding", () => {
    expect(base64url(new Uint8Array([251, 255]))).toBe("-_8");
  });
});
