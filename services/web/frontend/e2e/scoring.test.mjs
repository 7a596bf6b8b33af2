// The grading screen's score forms in a real browser: a cycle of its own (a week that ended
// yesterday) planned, run, checked in and moved to grading through the APIs, then Ana's
// self-assessment, Sam's override and the CEO's finalisation seen on /grading/<cycle>.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { byTestId, launch, newPage, overflow, screenshot, signIn, until } from "./browser.mjs";

const CEO = "ceo@shopco.example";
const ANA = "ana@shopco.example";
const SAM = "lead.payments@shopco.example";
const RUN = Date.now().toString(36);
const CYCLE = `scoring-${RUN}`;
const OBJECTIVE = `Scoring test: fix checkout bugs (${RUN})`;
const KEY_RESULT = "Checkout bugs fixed";
const WAIT_MS = 90_000;

/** Calls the API from the page with its session's token. */
async function apiCall(page, method, path, body) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const { token } = JSON.parse(sessionStorage.getItem("okr.session"));
      const response = await fetch(path, {
        method,
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      let json = null;
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
      return { status: response.status, body: json };
    },
    { method, path, body },
  );
}

/** Calls until the answer is `status` (the services learn of each other through Kafka, so a
 * fresh key result or cycle may be unknown for a moment); fails with the last answer. */
async function eventually(page, method, path, body, status) {
  const { value } = await until(
    async () => {
      const answer = await apiCall(page, method, path, body);
      if (answer.status !== status) await new Promise((resolve) => setTimeout(resolve, 500));
      return answer;
    },
    (answer) => answer.status === status,
    WAIT_MS,
  );
  assert.equal(value.status, status, `${method} ${path}: ${JSON.stringify(value.body)}`);
  return value.body;
}

const isoDay = (date) => date.toISOString().slice(0, 10);

describe("grading score forms on a cycle in grading", () => {
  let browser;
  let ceo;
  let ana;
  let sam;
  let keyResultId;
  let objectiveId;
  let suggested;

  before(async () => {
    browser = await launch();
    ceo = await newPage(browser);
    ana = await newPage(browser);
    // Sam scores on a phone: the form must read at 375 px.
    sam = await newPage(browser, { width: 375, height: 800 });
    for (const [page, who] of [
      [ceo, CEO],
      [ana, ANA],
      [sam, SAM],
    ]) {
      await signIn(page, who);
      await page.locator(byTestId("lang-en")).click();
    }
  });

  after(async () => {
    if (ceo) {
      const state = await apiCall(ceo, "GET", `/api/goals/v1/cycles/${CYCLE}`);
      if (state.status === 200 && state.body.state === "grading") {
        await apiCall(ceo, "POST", `/api/goals/v1/cycles/${CYCLE}/state`, {
          state: "closed",
          reason: "Browser test of the score forms done",
        });
      }
    }
    await browser?.close();
  });

  it("plans a short cycle of its own, checks in once and moves it to grading", async () => {
    const yesterday = new Date(Date.now() - 86_400_000);
    const weekAgo = new Date(yesterday.getTime() - 6 * 86_400_000);
    const planned = await apiCall(ceo, "POST", "/api/goals/v1/cycles", {
      cycle_id: CYCLE,
      name: `Scoring test ${RUN}`,
      cadence: "custom",
      starts_on: isoDay(weekAgo),
      ends_on: isoDay(yesterday),
    });
    assert.equal(planned.status, 201, JSON.stringify(planned.body));

    const created = await apiCall(ceo, "POST", "/api/goals/v1/objectives", {
      title: OBJECTIVE,
      level: "individual",
      owner_type: "person",
      owner_id: ANA,
      cycle_id: CYCLE,
      key_results: [
        { title: KEY_RESULT, kind: "increase_to", start: 0, target: 10, unit: "bugs", owner_id: ANA },
      ],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    objectiveId = created.body.objective_id;
    keyResultId = created.body.key_results[0].key_result_id;

    const activated = await apiCall(ceo, "POST", `/api/goals/v1/cycles/${CYCLE}/state`, {
      state: "active",
      reason: "Browser test of the score forms: the week runs",
    });
    assert.equal(activated.status, 200, JSON.stringify(activated.body));

    const checkIn = await eventually(
      ceo,
      "POST",
      "/api/checkins/v1/check-ins",
      {
        key_result_id: keyResultId,
        value: 5,
        confidence: 6,
        note: { progress: "Half of the checkout bugs fixed", plans: "", problems: "" },
        effective_at: `${isoDay(yesterday)}T12:00:00Z`,
      },
      201,
    );

    const graded = await apiCall(ceo, "POST", `/api/goals/v1/cycles/${CYCLE}/state`, {
      state: "grading",
      reason: "Browser test of the score forms: the week is over",
    });
    assert.equal(graded.status, 200, JSON.stringify(graded.body));

    // The review opens once the review service learns of the grading; its suggestion follows
    // the check-in (which may reach it later than the grading).
    const { value: review } = await until(
      async () => {
        const answer = await apiCall(ceo, "GET", `/api/reviews/v1/reviews?cycle_id=${CYCLE}`);
        const found = answer.status === 200 ? answer.body.items.find((r) => r.objective_id === objectiveId) : null;
        if (!found) await new Promise((resolve) => setTimeout(resolve, 500));
        return found;
      },
      (found) => found?.key_results[0]?.check_in_id === checkIn.check_in_id,
      WAIT_MS,
    );
    assert.ok(review, "the review service opened the review");
    assert.equal(review.key_results[0].check_in_id, checkIn.check_in_id, "the suggestion follows the check-in");
    suggested = review.key_results[0].suggested_score;
    assert.equal(suggested, 0.5);
  });

  it("shows Ana the suggestion and asks for a remark when her score strays far from it", async () => {
    await ana.goto(`/grading/${CYCLE}`);
    const row = ana.locator(byTestId(`review-kr-${keyResultId}`));
    await row.waitFor();
    assert.equal(await ana.locator(byTestId(`kr-suggested-${keyResultId}`)).innerText(), "0.5");
    assert.equal(await ana.locator(byTestId(`kr-score-${keyResultId}`)).innerText(), "0.5");
    assert.equal(await row.locator(byTestId(`manager-open-${keyResultId}`)).count(), 0, "Ana does not override herself");

    // By keyboard: the form opens with the focus on its first field.
    await ana.locator(byTestId(`self-open-${keyResultId}`)).focus();
    await ana.keyboard.press("Enter");
    const id = `score-self-${keyResultId}`;
    const form = ana.locator(byTestId(id));
    await form.waitFor();
    const focused = () => ana.evaluate(() => document.activeElement?.getAttribute("data-testid"));
    assert.equal(await focused(), `${id}-score`);
    assert.match(await form.innerText(), /The suggested score is 0\.5\./);
    await ana.locator(byTestId(`${id}-score`)).selectOption("1");
    const refused = ana.waitForResponse((r) => r.url().endsWith("/self-score"));
    await ana.locator(byTestId(`${id}-submit`)).click();
    const answer = await refused;
    assert.equal(answer.status(), 422);
    const expected = (await answer.json()).errors.find((e) => e.pointer === "#/remark").detail;
    const error = form.locator(byTestId("error-remark"));
    await error.waitFor();
    assert.equal(await error.innerText(), expected);
    const remark = ana.locator(byTestId(`${id}-remark`));
    assert.equal(await remark.getAttribute("aria-invalid"), "true");
    assert.match((await remark.getAttribute("class")) ?? "", /\binvalid\b/);
    assert.equal(await focused(), `${id}-remark`);
    await screenshot(ana, "scoring-01-remark-needed");
  });

  it("records Ana's self-assessment with her remark", async () => {
    const id = `score-self-${keyResultId}`;
    const remark = "All ten bugs were fixed in the last two days, after the check-in";
    await ana.locator(byTestId(`${id}-remark`)).fill(remark);
    const recorded = ana.waitForResponse((r) => r.url().endsWith("/self-score"));
    await ana.locator(byTestId(`${id}-submit`)).click();
    const answer = await recorded;
    assert.equal(answer.status(), 200, await answer.text());
    const done = ana.locator(byTestId(`${id}-done`));
    await done.waitFor();
    const focused = () => ana.evaluate(() => document.activeElement?.getAttribute("data-testid"));
    assert.equal(await focused(), `${id}-close`, "the focus moves to the confirmation's button");
    const row = ana.locator(byTestId(`review-kr-${keyResultId}`));
    await until(() => ana.locator(byTestId(`kr-score-${keyResultId}`)).innerText(), (s) => s === "1", 5_000);
    assert.equal(await ana.locator(byTestId(`kr-score-${keyResultId}`)).innerText(), "1");
    const given = row.locator(`[aria-label="Scores given"] li`);
    await given.first().waitFor();
    assert.match(await given.first().innerText(), /Self-assessment by Ana Lima: 1 \(was 0\.5\)/);
    assert.match(await given.first().innerText(), new RegExp(remark));
    await screenshot(ana, "scoring-02-self-recorded");
    await ana.keyboard.press("Enter");
    await done.waitFor({ state: "detached" });
    assert.equal(await focused(), `self-open-${keyResultId}`, "closing gives the focus back to the button");
  });

  it("lets Sam, her manager, override the score with a remark", async () => {
    await sam.goto(`/grading/${CYCLE}`);
    const row = sam.locator(byTestId(`review-kr-${keyResultId}`));
    await row.waitFor();
    assert.equal(await row.locator(byTestId(`self-open-${keyResultId}`)).count(), 0, "Sam does not own the key result");
    await sam.locator(byTestId(`manager-open-${keyResultId}`)).click();
    const id = `score-manager-${keyResultId}`;
    await sam.locator(byTestId(id)).waitFor();
    await sam.locator(byTestId(`${id}-score`)).selectOption("0.8");
    const remark = "Two of the fixes still wait for the release train";
    await sam.locator(byTestId(`${id}-remark`)).fill(remark);
    const narrow = await overflow(sam);
    assert.ok(narrow.pixels <= 1, `the form is ${narrow.pixels} px wider than the phone: ${narrow.past.join(", ")}`);
    await sam.locator(byTestId(id)).scrollIntoViewIfNeeded();
    await screenshot(sam, "scoring-03-override-form-phone");
    const recorded = sam.waitForResponse((r) => r.url().endsWith("/manager-score"));
    await sam.locator(byTestId(`${id}-submit`)).click();
    const answer = await recorded;
    assert.equal(answer.status(), 200, await answer.text());
    await sam.locator(byTestId(`${id}-done`)).waitFor();
    await until(() => sam.locator(byTestId(`kr-score-${keyResultId}`)).innerText(), (s) => s === "0.8", 5_000);
    assert.equal(await sam.locator(byTestId(`kr-score-${keyResultId}`)).innerText(), "0.8");
    const given = row.locator(`[aria-label="Scores given"] li`);
    await until(() => given.count(), (n) => n === 2, 5_000);
    assert.match(await given.nth(1).innerText(), /Manager's override by Sam Okafor: 0\.8 \(was 1\)/);
    assert.match(await given.nth(1).innerText(), new RegExp(remark));
    const wide = await overflow(sam);
    assert.ok(wide.pixels <= 1, `the page is ${wide.pixels} px wider than the phone: ${wide.past.join(", ")}`);
    await screenshot(sam, "scoring-04-override-recorded-phone");
  });

  it("shows the review read-only with its final band once the CEO finalises the cycle", async () => {
    const reason = "Browser test: the week's review is final";
    const finalised = await apiCall(ceo, "POST", `/api/reviews/v1/cycles/${CYCLE}/review/finalise`, { reason });
    assert.equal(finalised.status, 200, JSON.stringify(finalised.body));
    const review = finalised.body.items.find((r) => r.objective_id === objectiveId);
    assert.ok(review?.finalised, "the review is finalised");

    // Ana's page, open all along, reads the reviews again while the cycle grades.
    const final = ana.locator(byTestId(`review-final-${objectiveId}`));
    await final.waitFor({ timeout: 15_000 });
    assert.match(await final.innerText(), new RegExp(`Final: ${review.band.label.en}\\. Finalised by Chen Wei`));
    assert.match(await final.innerText(), new RegExp(reason));
    const band = ana.locator(byTestId(`review-band-${objectiveId}`));
    assert.equal(await band.innerText(), review.band.label.en);
    assert.equal(await band.getAttribute("data-color"), review.band.color);
    const row = ana.locator(byTestId(`review-kr-${keyResultId}`));
    assert.equal(await row.locator('[data-testid^="self-open-"], [data-testid^="manager-open-"]').count(), 0,
      "a finalised review offers no score form");
    assert.equal(await ana.locator(byTestId(`kr-score-${keyResultId}`)).innerText(), "0.8");
    await screenshot(ana, "scoring-05-final");
  });
});
