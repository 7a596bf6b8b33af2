// The objective page in full, corrections, tree filters, the payments team's dashboard and the
// history slider, in a real browser against the running stack with the demo organisation.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { byTestId, launch, newPage, screenshot, signIn, until } from "./browser.mjs";

const CEO = "ceo@shopco.example";
const ANA = "ana@shopco.example";
const ANA_OBJECTIVE = "Run weekly usability tests of checkout";
const TEAM_OBJECTIVE = "One-click payments for returning users";
const SALES_OBJECTIVE = "Bring merchants whose customers love us";

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
      return { status: response.status, body: await response.json() };
    },
    { method, path, body },
  );
}

describe("objective page, corrections, tree filters, scoped dashboards, history slider", () => {
  let browser;
  let ceo;
  let ana;
  let cycle;

  before(async () => {
    browser = await launch();
    ceo = await newPage(browser);
    ana = await newPage(browser);
    await signIn(ceo, CEO);
    await signIn(ana, ANA);
    // The CEO's directory locale is Chinese: these scenarios read English labels.
    for (const page of [ceo, ana]) await page.locator(byTestId("lang-en")).click();
    const cycles = await apiCall(ceo, "GET", "/api/goals/v1/cycles");
    cycle = cycles.body.items.find((c) => c.state === "active");
    assert.ok(cycle, "the demo has an active cycle");
  });

  after(async () => {
    await browser?.close();
  });

  it("lets Ana correct her latest check-in with a reason and shows the corrected value", async () => {
    const kr = ana.locator("li[data-kind][data-start][data-target]:not([data-kind=milestone])", {
      has: ana.locator('[data-testid^="correct-open-"]'),
    });
    await kr.first().waitFor();
    const id = (await kr.first().getAttribute("data-testid")).replace("kr-", "");
    const row = ana.locator(byTestId(`kr-${id}`));
    const start = Number(await row.getAttribute("data-start"));
    const target = Number(await row.getAttribute("data-target"));
    const current = Number((await row.getAttribute("data-current")) ?? start);
    let value = Math.round(((start + target) / 2) * 100) / 100;
    if (value === current) value = target;

    await ana.locator(byTestId(`correct-open-${id}`)).click();
    const form = row.locator(byTestId("correction-form"));
    await form.waitFor();
    await form.locator(byTestId("correction-value")).fill(String(value));
    const refused = ana.waitForResponse((r) => r.url().endsWith("/api/checkins/v1/corrections"));
    await form.locator(byTestId("correction-submit")).click();
    const problem = await refused;
    assert.equal(problem.status(), 422, "a correction without a reason is refused");
    const expected = (await problem.json()).errors.find((e) => e.pointer === "#/reason").detail;
    const error = form.locator(byTestId("error-reason"));
    await error.waitFor();
    assert.equal(await error.innerText(), expected);
    assert.equal(await form.locator(byTestId("correction-reason")).getAttribute("aria-invalid"), "true");
    assert.equal(await ana.evaluate(() => document.activeElement?.getAttribute("data-testid")), "correction-reason");
    await screenshot(ana, "objective-01-correction-error");

    await form.locator(byTestId("correction-reason")).fill("Read the wrong week's report");
    const recorded = ana.waitForResponse((r) => r.url().endsWith("/api/checkins/v1/corrections"));
    await form.locator(byTestId("correction-submit")).click();
    const response = await recorded;
    assert.equal(response.status(), 201, await response.text());
    const correction = await response.json();
    assert.equal(correction.value, value);
    assert.equal(correction.reason, "Read the wrong week's report");
    await row.locator(byTestId("correction-done")).waitFor();

    const shown = await until(() => row.getAttribute("data-current"), (v) => Number(v) === value, 10_000);
    assert.equal(Number(shown.value), value, "My OKRs shows the corrected value");
    await screenshot(ana, "objective-02-corrected");

    await row.locator("..").locator("..").locator("h3 a").first().click();
    await ana.waitForURL(/\/objectives\//);
    const corrected = ana.locator(byTestId(`checkin-${correction.corrects}`));
    await corrected.waitFor({ state: "attached" });
    assert.equal(await corrected.getAttribute("data-replaced"), "true");
    const replacement = ana.locator(byTestId(`checkin-${correction.check_in_id}`));
    assert.match(await replacement.textContent(), /Read the wrong week's report/);
  });

  it("shows an objective's initiatives, feedback thread and history", async () => {
    const mine = await apiCall(ana, "GET", `/api/projections/v1/people/${encodeURIComponent(ANA)}/objectives?cycle_id=${cycle.cycle_id}`);
    const objective = mine.body.items.find((o) => o.title === ANA_OBJECTIVE);
    assert.ok(objective, "Ana's own objective is in the demo");
    const current = await apiCall(ana, "GET", `/api/goals/v1/objectives/${objective.objective_id}`);
    const kr = current.body.key_results[0];
    const run = Date.now().toString(36);
    const title = `Alert on failure spikes ${run}`;
    const note = `Share the alert thresholds with support ${run}`;
    const added = await apiCall(
      ana,
      "POST",
      `/api/goals/v1/objectives/${objective.objective_id}/key-results/${kr.key_result_id}/initiatives`,
      {
        expected_version: current.body.version,
        reason: "Planned in the team's weekly",
        title,
        owner_id: ANA,
        due_on: cycle.ends_on,
        deliverable: "A pager alert at twice the usual failure rate",
        status: "in_progress",
      },
    );
    assert.equal(added.status, 201, JSON.stringify(added.body));
    const initiative = added.body.initiatives.find((i) => i.title === title);

    await ana.goto(`/objectives/${objective.objective_id}`);
    const item = ana.locator(byTestId(`initiative-${initiative.initiative_id}`));
    await item.waitFor();
    assert.match(await item.innerText(), new RegExp(title));
    assert.match(await item.innerText(), /In progress/);
    // The owner's name comes from the directory, which may load after the initiative.
    const named = await until(() => item.innerText(), (text) => /Ana Lima/.test(text), 5_000);
    assert.match(named.value, /Ana Lima/);

    const history = ana.locator(byTestId("objective-history"));
    await history.waitFor();
    const created = history.locator(byTestId("history-entry-1"));
    assert.equal(await created.getAttribute("data-event"), "Created");
    assert.equal(await created.locator(byTestId("history-actor-1")).innerText(), "Chen Wei");
    const latest = history.locator(byTestId(`history-entry-${added.body.version}`));
    assert.equal(await latest.getAttribute("data-event"), "InitiativeAdded");
    assert.match(await latest.innerText(), /Planned in the team's weekly/);
    assert.match(await latest.innerText(), /Ana Lima/);

    await ana.locator(byTestId("feedback-text")).fill("");
    const refused = ana.waitForResponse((r) => r.url().includes("/feedback") && r.request().method() === "POST");
    await ana.locator(byTestId("feedback-submit")).click();
    assert.equal((await refused).status(), 422);
    await ana.locator(byTestId("error-text")).waitFor();
    await ana.locator(byTestId("feedback-kind")).selectOption("suggestion");
    await ana.locator(byTestId("feedback-text")).fill(note);
    const given = ana.waitForResponse((r) => r.url().includes("/feedback") && r.request().method() === "POST");
    await ana.locator(byTestId("feedback-submit")).click();
    assert.equal((await given).status(), 201);
    await ana.locator(byTestId("feedback-list")).getByText(note).waitFor();
    await screenshot(ana, "objective-03-page");
  });

  it("filters the tree by a person", async () => {
    await ceo.goto(`/tree/${cycle.cycle_id}`);
    const nodes = ceo.locator('[data-testid^="tree-node-"]');
    await nodes.first().waitFor();
    const all = await nodes.count();
    const payments = ceo.locator(`${byTestId("tree-unit")} option[value="payments"]`);
    await until(() => payments.textContent(), (text) => text === "Payments team", 10_000);
    assert.equal(await payments.textContent(), "Payments team", "units are named from the directory");

    await ceo.locator(byTestId("tree-person")).selectOption(ANA);
    // Every path to Ana's objectives stays (the nodes above are context), so count the matches.
    await ceo.locator('[data-testid^="tree-node-"][data-match="false"]').first().waitFor();
    const tree = ceo.locator("ul.tree");
    await tree.getByText(ANA_OBJECTIVE).first().waitFor();
    const matched = await ceo.locator('[data-testid^="tree-node-"][data-match="true"] > .tree-row a').allInnerTexts();
    assert.deepEqual([...new Set(matched)].sort(), [TEAM_OBJECTIVE, ANA_OBJECTIVE].sort(), "Ana owns one and a key result of the team's");
    const context = await ceo.locator('[data-testid^="tree-node-"][data-match="false"] > .tree-row a').allInnerTexts();
    assert.ok(context.includes(SALES_OBJECTIVE), "the sales objective stays above the team's as context (a cross-department link)");
    assert.match(ceo.url(), /person=ana%40shopco\.example/);
    await screenshot(ceo, "objective-04-tree-by-person");

    await ceo.locator(byTestId("tree-status")).selectOption("active");
    await ceo.locator(byTestId("tree-person")).selectOption("");
    const back = await until(
      () => ceo.locator('[data-testid^="tree-node-"][data-match="true"]').count(),
      (n) => n === all,
      10_000,
    );
    assert.equal(back.value, all, "every objective of the cycle is active");
  });

  it("opens the payments team's dashboard with check-in freshness and the trend", async () => {
    await ceo.goto(`/dashboard/${cycle.cycle_id}?org_unit_id=payments`);
    await ceo.locator("main h1").getByText("Payments team").waitFor();
    const fresh = ceo.locator(byTestId("freshness-list"));
    await fresh.locator(byTestId(`fresh-${ANA}`)).waitFor();
    await fresh.locator(byTestId("fresh-lead.payments@shopco.example")).waitFor();
    assert.equal(await fresh.locator("li").count(), 2, "the payments team has two people");
    assert.equal(await fresh.locator(byTestId(`fresh-${CEO}`)).count(), 0);
    assert.match(await fresh.locator(byTestId(`fresh-${ANA}`)).innerText(), /Last check-in|Never checked in|Overdue|Due|Up to date/);
    await ceo.locator(`${byTestId("chart-trend")} svg`).waitFor();
    await ceo.locator(`${byTestId("chart-distribution")} svg`).waitFor();
    await ceo.locator(byTestId("off-track-list")).waitFor({ state: "attached" });
    await ceo.locator(byTestId("at-risk-list")).waitFor({ state: "attached" });
    await screenshot(ceo, "dashboard2-01-payments");

    await fresh.locator(byTestId(`fresh-${ANA}`)).getByRole("link").click();
    await ceo.waitForURL(/person_id=ana%40shopco\.example/);
    await ceo.locator("main h1").getByText("Ana Lima").waitFor();
    await ceo.locator(`${byTestId("chart-trend")} svg`).waitFor();
    await screenshot(ceo, "dashboard2-02-person");
  });

  it("moves the history slider to the cycle's first day and shows the tree as it stood", async () => {
    await ceo.goto(`/history/${cycle.cycle_id}`);
    const slider = ceo.locator(byTestId("history-day"));
    await slider.waitFor();
    const firstDay = new Date(`${cycle.starts_on}T23:59:59.999Z`).toISOString();
    const answered = ceo.waitForResponse(
      (r) => /\/api\/goals\/v1\/cycles\/[^/]+\/tree\?as_of=/.test(r.url()) && r.url().includes(encodeURIComponent(firstDay)),
    );
    await slider.focus();
    await ceo.keyboard.press("Home");
    const response = await answered;
    assert.equal(await slider.inputValue(), "0");
    assert.match(await ceo.locator(byTestId("history-day-label")).innerText(), /^Day 1:/);
    assert.equal(await ceo.locator(byTestId("history-instant")).inputValue(), firstDay.slice(0, 19));
    const past = ceo.locator(byTestId("history-tree"));
    const today = ceo.locator(byTestId("history-today"));
    await today.locator(byTestId("today-objective-count")).waitFor();
    if (response.status() === 404) {
      // The demo planned the cycle today: on its first day the goal service knew no such cycle.
      await past.getByText("The cycle did not exist yet at that time.").waitFor();
    } else {
      assert.equal(response.status(), 200);
      const body = await response.json();
      const now = await today.locator(byTestId("today-objective-count")).innerText();
      assert.ok(body.objective_count <= Number(now.replace(/\D/g, "")));
    }
    await screenshot(ceo, "history2-01-first-day");

    await ceo.keyboard.press("End");
    await past.locator(byTestId("history-objective-count")).waitFor();
    await screenshot(ceo, "history2-02-today");
  });
});
