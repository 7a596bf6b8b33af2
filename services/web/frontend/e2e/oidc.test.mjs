// Sign-in with OpenID Connect (authorisation code flow with PKCE) at a real identity provider:
// Keycloak's own login page, then the app with the provider's token, an expired session renewed
// through the provider's single sign-on, and sign-out ending the provider's session too.
// Run by tests/e2e/test_web_oidc_sign_in.py, which starts the stack verifying Keycloak's tokens.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { byTestId, launch, newPage, screenshot, WEB_URL } from "./browser.mjs";

const ISSUER = process.env.OKR_OIDC_ISSUER ?? "http://127.0.0.1:18080/realms/okr";
const USER = process.env.OKR_OIDC_USER ?? "ana";
const PASSWORD = process.env.OKR_OIDC_PASSWORD ?? "ana-password";
const NAME = process.env.OKR_OIDC_NAME ?? "Ana Analyst";
const OBJECTIVE = process.env.OKR_OIDC_OBJECTIVE ?? "";
const KEY_RESULT = process.env.OKR_OIDC_KEY_RESULT ?? "";
const AT_PROVIDER = new RegExp(`^${ISSUER.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/protocol/openid-connect/auth`);

describe("signing in with the organisation's identity provider", () => {
  let browser;
  let page;

  before(async () => {
    browser = await launch();
    page = await newPage(browser);
  });

  after(async () => {
    await browser?.close();
  });

  it("sends the browser to the provider with a PKCE challenge and comes back signed in", async () => {
    await page.goto("/signin");
    await page.locator(byTestId("signin-oidc")).waitFor();
    assert.equal(await page.locator('[data-testid^="signin-person-"]').count(), 0);
    await screenshot(page, "oidc-01-signin");

    await page.locator(byTestId("signin-oidc")).click();
    await page.waitForURL(AT_PROVIDER);
    const asked = new URL(page.url()).searchParams;
    assert.equal(asked.get("client_id"), "okr-web");
    assert.equal(asked.get("response_type"), "code");
    assert.equal(asked.get("code_challenge_method"), "S256");
    assert.match(asked.get("code_challenge") ?? "", /^[A-Za-z0-9_-]{43}$/);
    assert.equal(asked.get("redirect_uri"), `${WEB_URL}/signin/callback`);
    await page.locator("#username").fill(USER);
    await page.locator("#password").fill(PASSWORD);
    await screenshot(page, "oidc-02-provider-login");
    await page.locator("#kc-login").click();

    await page.waitForURL("**/my");
    await page.locator(byTestId("whoami")).waitFor();
    assert.equal(await page.locator(byTestId("whoami")).innerText(), NAME);
    await page.getByText(OBJECTIVE).first().waitFor();
    await screenshot(page, "oidc-03-my-okrs");
  });

  it("checks in with the provider's token", async () => {
    await page.locator(byTestId(`checkin-open-${KEY_RESULT}`)).click();
    await page.locator(byTestId("checkin-value")).fill("5");
    await page.locator(byTestId("checkin-confidence")).fill("8");
    await page.locator(byTestId("checkin-progress")).fill("Five interviews held");
    const recorded = page.waitForResponse(
      (r) => r.url().endsWith("/api/checkins/v1/check-ins") && r.request().method() === "POST",
    );
    await page.locator(byTestId("checkin-submit")).click();
    const response = await recorded;
    assert.equal(response.status(), 201, await response.text());
    const sent = response.request().headers()["authorization"] ?? "";
    const claims = JSON.parse(Buffer.from(sent.split(".")[1], "base64url").toString());
    assert.equal(claims.iss, ISSUER, "the check-in went with the provider's token");
  });

  it("renews an expired session through the provider's single sign-on, back on the same page", async () => {
    await page.goto("/tree");
    await page.locator('[data-testid^="tree-node-"]').first().waitFor();
    const where = new URL(page.url()).pathname;
    await page.evaluate(() => {
      const session = JSON.parse(sessionStorage.getItem("okr.session"));
      sessionStorage.setItem("okr.session", JSON.stringify({ ...session, expiresAt: Date.now() - 1000 }));
    });
    await page.reload();
    await page.waitForURL("**/signin");
    await page.locator(byTestId("signin-oidc")).click();
    await page.waitForURL((url) => url.pathname === where);
    assert.equal(await page.locator("#password").count(), 0, "no password asked again");
    await page.locator('[data-testid^="tree-node-"]').first().waitFor();
  });

  it("refuses an answer that does not match the request", async () => {
    const other = await newPage(browser);
    await other.goto("/signin/callback?code=forged&state=forged");
    const failure = other.locator(byTestId("signin-failure"));
    await failure.waitFor();
    assert.match(await failure.innerText(), /does not match/);
    await other.context().close();
  });

  it("signs out of the provider too, so the next sign-in asks for the password", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/signin");
    await page.locator(byTestId("signin-oidc")).click();
    await page.waitForURL(AT_PROVIDER);
    await page.locator("#password").waitFor();
    await screenshot(page, "oidc-04-signed-out");
  });
});
