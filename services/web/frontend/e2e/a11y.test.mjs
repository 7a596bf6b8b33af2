// Measured accessibility (issue 12): axe-core's WCAG 2.0/2.1/2.2 A and AA rules on every main
// screen, for the demo CEO and for Ana, in English and in Chinese, and at 375 px for /my and
// /dashboard; then keyboard focus through the header is visible.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { after, before, describe, it } from "node:test";
import { byTestId, launch, newPage, screenshot, signIn, until } from "./browser.mjs";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core/axe.min.js");
// WCAG 2.0/2.1/2.2 A and AA, and axe's best practices (landmarks, one h1, heading order, regions).
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"];
// No rule is disabled. ECharts draws SVG here (Chart.tsx); axe cannot tell the background behind
// its text (it reports "incomplete", not a pass), so chartText() measures those fills itself.
const DISABLED_RULES = [];

const CEO = "ceo@shopco.example";
const ANA = "ana@shopco.example";
const PHONE = { width: 375, height: 812 };

/** Runs axe-core on the page; answers one line per violation and node: rule, impact, target. */
async function violations(page) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(
    ([tags, disabled]) =>
      // @ts-ignore axe is the injected global
      window.axe.run(document, {
        runOnly: { type: "tag", values: tags },
        rules: Object.fromEntries(disabled.map((id) => [id, { enabled: false }])),
        resultTypes: ["violations"],
      }),
    [TAGS, DISABLED_RULES],
  );
  return result.violations.flatMap((v) =>
    v.nodes.map((n) => `${v.id} (${v.impact}) at ${n.target.join(" ")}: ${n.failureSummary?.split("\n")[1]?.trim() ?? v.help}`),
  );
}

/** Chart labels (SVG text on the white chart) under 4.5:1, as "fill (ratio): text". */
async function chartText(page) {
  return page.evaluate(() => {
    const luminance = (rgb) => {
      const [r, g, b] = rgb.match(/\d+(\.\d+)?/g).slice(0, 3).map((c) => {
        const v = Number(c) / 255;
        return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    return [...document.querySelectorAll(".chart svg text")]
      .filter((t) => t.textContent.trim())
      .map((t) => ({ text: t.textContent.trim(), fill: getComputedStyle(t).fill }))
      .filter(({ fill }) => fill.startsWith("rgb"))
      .map((l) => ({ ...l, ratio: 1.05 / (luminance(l.fill) + 0.05) }))
      .filter(({ ratio }) => ratio < 4.5)
      .map(({ text, fill, ratio }) => `chart text ${fill} (${ratio.toFixed(2)}:1): ${text}`);
  });
}

/** Waits until the screen has its heading, no loading state left and its charts drawn. */
async function settled(page, ready) {
  await page.locator("main h1").first().waitFor();
  if (ready) await page.locator(ready).first().waitFor({ state: "attached" });
  await until(() => page.locator(".state-loading").count(), (n) => n === 0, 10_000);
  await until(() => page.locator(".chart:not(:has(svg))").count(), (n) => n === 0, 5_000);
  await page.waitForTimeout(300);
}

async function apiGet(page, path) {
  return page.evaluate(async (p) => {
    const session = JSON.parse(sessionStorage.getItem("okr.session"));
    const r = await fetch(p, { headers: { Authorization: `Bearer ${session.token}` } });
    return r.json();
  }, path);
}

/** The quarter before the active one (graded, calibrated, rewarded in the demo). */
async function previousCycleId(page) {
  const { items } = await apiGet(page, "/api/goals/v1/cycles");
  const current = items.find((c) => c.state === "active");
  const earlier = items.filter((c) => c.starts_on < current.starts_on).sort((a, b) => b.starts_on.localeCompare(a.starts_on));
  return earlier[0].cycle_id;
}

/** The screens to check, in order, with what marks each as loaded. */
async function screens(page) {
  await page.goto("/tree");
  await page.locator("a.tree-title").first().waitFor();
  const objective = await page.locator("a.tree-title").first().getAttribute("href");
  const previous = await previousCycleId(page);
  return [
    ["my", "/my", null],
    ["tree", "/tree", '[data-testid^="tree-node-"]'],
    ["objective", objective, '[data-testid^="objective-kr-"]'],
    ["dashboard", "/dashboard", byTestId("dashboard-company-progress")],
    ["history", "/history", byTestId("history-instant")],
    ["grading", `/grading/${previous}`, null],
    ["rewards", "/rewards", null],
    ["conversations", "/conversations", null],
    ["admin", "/admin", null],
  ];
}

describe("accessibility (axe-core, WCAG 2 A/AA)", () => {
  let browser;

  before(async () => {
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
  });

  for (const lang of ["en", "zh"]) {
    it(`has no violations on the sign-in page (${lang})`, async () => {
      const page = await newPage(browser);
      await page.goto("/signin");
      await page.locator(byTestId(`lang-${lang}`)).click();
      await page.locator(byTestId(`signin-person-${CEO}`)).waitFor();
      const list = await violations(page);
      await screenshot(page, `a11y-signin-${lang}`);
      await page.context().close();
      assert.deepEqual(list, [], `sign-in (${lang}):\n${list.join("\n")}`);
    });

    for (const person of [CEO, ANA]) {
      const who = person.split("@")[0];
      it(`has no violations on the main screens for ${who} (${lang})`, async () => {
        const page = await newPage(browser);
        await signIn(page, person);
        await page.locator(byTestId(`lang-${lang}`)).click();
        const problems = [];
        for (const [name, path, ready] of await screens(page)) {
          await page.goto(path);
          await settled(page, ready);
          for (const line of [...(await violations(page)), ...(await chartText(page))]) problems.push(`${name} ${path}: ${line}`);
          if (person === CEO) await screenshot(page, `a11y-${name}-${lang}`);
        }
        await page.context().close();
        assert.deepEqual(problems, [], `${who} (${lang}):\n${problems.join("\n")}`);
      });
    }
  }

  for (const lang of ["en", "zh"]) {
    it(`has no violations in the states a screen takes after a click (${lang})`, async () => {
      const page = await newPage(browser);
      await signIn(page, ANA);
      await page.locator(byTestId(`lang-${lang}`)).click();
      const problems = [];
      const check = async (state) => {
        for (const line of await violations(page)) problems.push(`${state}: ${line}`);
      };

      await page.goto("/tree");
      await page.locator("a.tree-title").first().waitFor();
      await page.locator(byTestId("tree-person")).selectOption(ANA);
      await page.locator(".tree-context").first().waitFor();
      await check("tree filtered to Ana (context rows)");
      await screenshot(page, `a11y-tree-context-${lang}`);

      await page.goto("/my");
      const open = page.locator('[data-testid^="checkin-open-"]').first();
      const kr = page.locator(byTestId((await open.getAttribute("data-testid")).replace("checkin-open-", "kr-")));
      await open.click();
      await check("check-in form open");
      await kr.locator(byTestId("checkin-value")).fill("1");
      await kr.locator(byTestId("checkin-confidence")).fill("11");
      await page.locator(byTestId("checkin-submit")).click();
      await page.locator(byTestId("error-confidence")).waitFor();
      await check("check-in refused at the field");
      await screenshot(page, `a11y-checkin-error-${lang}`);

      await page.route("**/api/projections/**", (route) =>
        route.fulfill({
          status: 502,
          contentType: "application/problem+json",
          body: JSON.stringify({ title: "Service unavailable", status: 502, detail: "projections is down" }),
        }),
      );
      await page.goto("/dashboard");
      await page.locator(byTestId("service-banner")).waitFor();
      await check("service banner");
      await page.context().close();
      assert.deepEqual(problems, [], `Ana (${lang}):\n${problems.join("\n")}`);
    });
  }

  for (const [name, path, ready] of [
    ["my", "/my", null],
    ["dashboard", "/dashboard", byTestId("dashboard-company-progress")],
  ]) {
    it(`has no violations on ${path} at 375 px`, async () => {
      const page = await newPage(browser, PHONE);
      await signIn(page, ANA);
      await page.goto(path);
      await settled(page, ready);
      const list = await violations(page);
      await screenshot(page, `a11y-${name}-375`);
      await page.context().close();
      assert.deepEqual(list, [], `${path} at 375 px:\n${list.join("\n")}`);
    });
  }

  it("shows a visible outline on every control of the header reached with Tab", async () => {
    const page = await newPage(browser);
    await signIn(page, CEO);
    await page.locator(byTestId("lang-en")).click();
    await page.goto("/my");
    await settled(page, null);
    await page.locator("body").focus();
    const seen = [];
    for (let i = 0; i < 20; i += 1) {
      await page.keyboard.press("Tab");
      const focused = await page.evaluate(() => {
        const e = document.activeElement;
        if (!e || e === document.body) return null;
        const style = getComputedStyle(e);
        const rect = e.getBoundingClientRect();
        return {
          name: `${e.tagName.toLowerCase()}[${e.getAttribute("data-testid") ?? e.textContent?.trim()}]`,
          inHeader: Boolean(e.closest("header")) || e.classList.contains("skip-link"),
          outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
          visible:
            style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2 && rect.width > 0 && rect.height > 0,
          onScreen: rect.right > 0 && rect.bottom > 0 && rect.left < window.innerWidth,
        };
      });
      if (!focused || !focused.inHeader) break;
      seen.push(focused);
      if (i === 0) await screenshot(page, "a11y-focus-skip-link");
      if (i === 3) await screenshot(page, "a11y-focus-nav");
    }
    assert.ok(seen.length >= 10, `Tab reached the skip link, the nav, the languages and sign-out: ${seen.map((f) => f.name)}`);
    const hidden = seen.filter((f) => !f.visible || !f.onScreen);
    assert.deepEqual(hidden, [], `focused without a visible outline: ${JSON.stringify(hidden)}`);
  });
});
