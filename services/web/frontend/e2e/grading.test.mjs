// Grading, recognition and rewards in a real browser against the running stack with the demo
// organisation (its previous quarter graded, calibrated, finalised, rewarded and recognised).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { byTestId, launch, newPage, overflow, screenshot, signIn, until } from "./browser.mjs";

const CTO = "cto@shopco.example";
const ANA = "ana@shopco.example";
const SAM = "lead.payments@shopco.example";

/** A GET through the web server's proxy with the page's session token. */
async function apiGet(page, path) {
  return page.evaluate(async (p) => {
    const session = JSON.parse(sessionStorage.getItem("okr.session"));
    const r = await fetch(p, { headers: { Authorization: `Bearer ${session.token}` } });
    return r.json();
  }, path);
}

/** The quarter before the current (active) one, from the goal service's cycles. */
async function previousCycle(page) {
  const { items } = await apiGet(page, "/api/goals/v1/cycles");
  const current = items.find((c) => c.state === "active");
  assert.ok(current, "an active cycle");
  const earlier = items
    .filter((c) => c.starts_on < current.starts_on)
    .sort((a, b) => b.starts_on.localeCompare(a.starts_on));
  assert.ok(earlier[0], "a cycle before the current one");
  return earlier[0];
}

/** Picks in `select` the first option for which `fits()` holds once chosen; answers its value. */
async function chooseOption(page, select, fits) {
  const values = await page
    .locator(`${select} option`)
    .evaluateAll((options) => options.map((o) => o.value).filter(Boolean));
  for (const value of values) {
    await page.locator(select).selectOption(value);
    if (await fits()) return value;
  }
  throw new Error(`no option of ${select} fits`);
}

const hasRecipient = (page, person) => async () =>
  (await page.locator(`${byTestId("kudos-recipient")} option[value="${person}"]`).count()) > 0;

describe("grading, recognition and rewards", () => {
  let browser;
  let cto;
  let ana;

  before(async () => {
    browser = await launch();
    cto = await newPage(browser);
    ana = await newPage(browser);
  });

  after(async () => {
    await browser?.close();
  });

  it("shows the CTO the previous quarter's final bands and R&D's calibration chart", async () => {
    await signIn(cto, CTO);
    await cto.locator(byTestId("lang-en")).click();
    const previous = await previousCycle(cto);
    await cto.locator(byTestId("nav-grading")).click();
    await cto.waitForURL(/\/grading\/[^/]+$/);
    if (!cto.url().endsWith(`/grading/${encodeURIComponent(previous.cycle_id)}`)) {
      await cto.goto(`/grading/${encodeURIComponent(previous.cycle_id)}`);
    }
    const reviews = cto.locator('[data-testid^="review-band-"]');
    await reviews.first().waitFor();
    const { items } = await apiGet(
      cto,
      `/api/reviews/v1/reviews?cycle_id=${encodeURIComponent(previous.cycle_id)}`,
    );
    assert.ok(items.length > 0, "the CTO reads reviews of the previous quarter");
    assert.equal(await reviews.count(), items.length);
    for (const review of items) {
      assert.ok(review.finalised, "the demo's previous quarter is finalised");
      const final = cto.locator(byTestId(`review-final-${review.objective_id}`));
      assert.match(await final.innerText(), new RegExp(`Final: ${review.band.label.en}`));
      const band = cto.locator(byTestId(`review-band-${review.objective_id}`));
      assert.equal(await band.innerText(), review.band.label.en);
      assert.equal(await band.getAttribute("data-color"), review.band.color);
      for (const kr of review.key_results) {
        const row = cto.locator(byTestId(`review-kr-${kr.key_result_id}`));
        assert.equal(await row.locator('[data-testid^="self-open-"], [data-testid^="manager-open-"]').count(), 0,
          "a finalised review offers no score form");
      }
    }
    const scored = items.flatMap((r) => r.key_results).find((kr) => kr.scores.length > 0);
    assert.ok(scored, "someone scored a key result");
    assert.match(
      await cto.locator(byTestId(`review-kr-${scored.key_result_id}`)).innerText(),
      new RegExp(scored.scores[0].remark ?? scored.scores[0].reason),
    );

    await cto.locator(byTestId("calibration-unit")).selectOption("rnd");
    await cto.locator(`${byTestId("chart-calibration-bands")} svg`).waitFor();
    await cto.locator(`${byTestId("chart-calibration-means")} svg`).waitFor();
    const calibration = await apiGet(
      cto,
      `/api/reviews/v1/cycles/${encodeURIComponent(previous.cycle_id)}/calibration?org_unit_id=rnd`,
    );
    assert.match(
      await cto.locator(byTestId("calibration-overall")).innerText(),
      new RegExp(`^${calibration.overall.count} objectives`),
    );
    for (const unit of Object.keys(calibration.by_org_unit)) {
      await cto.locator(byTestId(`calibration-row-${unit}`)).waitFor();
    }
    await cto.locator('article[data-testid^="retro-"]').first().waitFor();
    await screenshot(cto, "grading-01-final-bands");

    await cto.locator(byTestId("retro-subject")).selectOption({ index: 1 });
    const refused = cto.waitForResponse((r) => r.url().endsWith("/api/reviews/v1/retrospectives"));
    await cto.locator(byTestId("retro-submit")).click();
    const empty = await refused;
    assert.equal(empty.status(), 422);
    const expected = (await empty.json()).errors.find((e) => e.pointer === "#/content").detail;
    assert.equal(await cto.locator(byTestId("error-worked")).innerText(), expected);
    assert.equal(await cto.locator(byTestId("retro-worked")).getAttribute("aria-invalid"), "true");
    await cto.locator(byTestId("calibration-unit")).scrollIntoViewIfNeeded();
    await screenshot(cto, "grading-02-calibration");

    await cto.locator(byTestId("lang-zh")).click();
    const first = items[0];
    await until(
      () => cto.locator(byTestId(`review-band-${first.objective_id}`)).innerText(),
      (text) => text === first.band.label.zh,
      5_000,
    );
    assert.equal(await cto.locator(byTestId(`review-band-${first.objective_id}`)).innerText(), first.band.label.zh);
    await screenshot(cto, "grading-03-zh");
    await cto.locator(byTestId("lang-en")).click();

    const phone = await newPage(browser, { width: 375, height: 800 });
    await signIn(phone, CTO);
    await phone.goto(`/grading/${encodeURIComponent(previous.cycle_id)}`);
    await phone.locator('[data-testid^="review-band-"]').first().waitFor();
    const wide = await overflow(phone);
    assert.ok(wide.pixels <= 1, `the page is ${wide.pixels} px wider than the phone: ${wide.past.join(", ")}`);
    await screenshot(phone, "grading-04-phone");
    await phone.context().close();
  });

  it("shows Ana her award (100 points, ×1.2) and its evidence", async () => {
    await signIn(ana, ANA);
    await ana.locator(byTestId("lang-en")).click();
    await ana.locator(byTestId("nav-rewards")).click();
    await ana.waitForURL(/\/rewards$/);
    const award = ana.locator('li[data-testid^="award-"]').first();
    await award.waitFor();
    const awardId = (await award.getAttribute("data-testid")).replace("award-", "");
    assert.equal(await ana.locator(byTestId(`award-points-${awardId}`)).innerText(), "100 points");
    assert.equal(await ana.locator(byTestId(`award-multiplier-${awardId}`)).innerText(), "×1.2");

    await ana.locator(byTestId(`evidence-open-${awardId}`)).click();
    const evidence = ana.locator(byTestId(`evidence-${awardId}`));
    await evidence.waitFor();
    assert.match(await evidence.locator(byTestId("evidence-events")).innerText(), /ReviewFinalised/);
    assert.match(await evidence.locator(byTestId("evidence-recomputed")).innerText(), /100 points ×1\.2/);
    assert.equal(await evidence.locator(byTestId("evidence-matches")).first().innerText(), "matches the ledger");
    await screenshot(ana, "rewards-01-award-evidence");
  });

  it("lets Ana give Sam kudos on a current-quarter objective, seen in his recognition", async () => {
    const message = `Thanks for the one-click payments work (${Date.now()})`;
    await chooseOption(ana, byTestId("kudos-objective"), hasRecipient(ana, SAM));
    await ana.locator(byTestId("kudos-recipient")).selectOption(SAM);
    await ana.locator(byTestId("kudos-points")).fill("1");
    await ana.locator(byTestId("kudos-message")).fill(message);
    const given = ana.waitForResponse(
      (r) => r.url().endsWith("/api/incentives/v1/kudos") && r.request().method() === "POST",
    );
    await ana.locator(byTestId("kudos-submit")).click();
    const response = await given;
    assert.equal(response.status(), 201, await response.text());
    await ana.locator(byTestId("kudos-done")).waitFor();

    await ana.locator(byTestId("recognition-person")).selectOption(SAM);
    const received = ana.locator(byTestId("recognition-received"));
    await received.getByText(message).waitFor();
    await ana.locator(byTestId("wall-unit")).selectOption("payments");
    await ana.locator(byTestId("wall")).waitFor();
    await screenshot(ana, "rewards-02-kudos-to-sam");
  });

  it("shows the API's message at the recipient field for kudos to herself", async () => {
    await ana.locator(byTestId("kudos-done")).getByRole("button").click();
    await chooseOption(ana, byTestId("kudos-objective"), hasRecipient(ana, ANA));
    await ana.locator(byTestId("kudos-recipient")).selectOption(ANA);
    await ana.locator(byTestId("kudos-message")).fill("Well done me");
    const answered = ana.waitForResponse((r) => r.url().endsWith("/api/incentives/v1/kudos"));
    await ana.locator(byTestId("kudos-submit")).click();
    const response = await answered;
    assert.equal(response.status(), 422);
    const problem = await response.json();
    const expected = problem.errors.find((e) => e.pointer === "#/recipient_id").detail;
    const error = ana.locator(byTestId("error-recipient_id"));
    await error.waitFor();
    assert.equal(await error.innerText(), expected);
    const field = ana.locator(byTestId("kudos-recipient"));
    assert.equal(await field.getAttribute("aria-invalid"), "true");
    assert.ok(await field.evaluate((el) => el === document.activeElement), "the field has the focus");
    await screenshot(ana, "rewards-03-kudos-to-herself");
  });
});
