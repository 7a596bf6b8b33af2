// Headless Debian Chromium through playwright-core (no browser downloads), and what every
// scenario shares: the web URL, screenshots under OKR_SCREENSHOTS, signing in as someone.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const WEB_URL = (process.env.OKR_WEB_URL ?? "http://127.0.0.1:8000").replace(/\/$/, "");
const SHOTS = process.env.OKR_SCREENSHOTS ?? join(process.cwd(), ".state", "screenshots");

// Playwright starts Chromium with a fresh temporary profile itself (it refuses --user-data-dir).
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A fresh browser context (own storage) in UTC, so `datetime-local` values read as UTC. */
export async function newPage(browser, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ baseURL: WEB_URL, timezoneId: "UTC", viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

export async function screenshot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

export const byTestId = (id) => `[data-testid="${id}"]`;

/** Signs in through the development sign-in page and waits for My OKRs. */
export async function signIn(page, personId) {
  await page.goto("/signin");
  await page.locator(byTestId(`signin-person-${personId}`)).click();
  await page.waitForURL("**/my");
  await page.locator(byTestId("whoami")).waitFor();
}

/** Polls `read` until `done(value)` or the deadline; answers the last value and when it held. */
export async function until(read, done, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return { value, at: Date.now() };
}

/** How many pixels the page is wider than its viewport, and the elements reaching furthest past
 * its right edge (tag, class, test id, right edge), to say what to fix. */
export async function overflow(page) {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const past = [...document.querySelectorAll("body *")]
      .map((e) => ({ e, right: Math.round(e.getBoundingClientRect().right) }))
      .filter(({ right }) => right > width + 1)
      .sort((a, b) => b.right - a.right)
      .slice(0, 3)
      .map(({ e, right }) => `${e.tagName.toLowerCase()}.${e.className}[${e.getAttribute("data-testid") ?? ""}]@${right}`);
    return { pixels: document.documentElement.scrollWidth - width, past };
  });
}

