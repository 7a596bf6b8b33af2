// Admin screens (cycles, directory import) and one-to-ones, in a real browser against the running
// stack with the demo organisation loaded.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { byTestId, launch, newPage, overflow, screenshot, signIn, until } from "./browser.mjs";

const CEO = "ceo@shopco.example";
const ANA = "ana@shopco.example";
const SAM = "lead.payments@shopco.example";
const RUN = Date.now().toString(36);

describe("admin screens and one-to-ones", () => {
  let browser;
  let ceo;

  before(async () => {
    browser = await launch();
    ceo = await newPage(browser);
    await signIn(ceo, CEO);
    await ceo.locator(byTestId("lang-en")).click();
  });

  after(async () => {
    await browser?.close();
  });

  it("lets the CEO plan a new cycle and move it to active with a reason", async () => {
    await ceo.locator(byTestId("nav-admin")).click();
    await ceo.waitForURL("**/admin");
    await ceo.locator(byTestId("cycle-list")).waitFor();
    await screenshot(ceo, "admin-01-cycles");

    const id = `e2e-${RUN}`;
    await ceo.locator(byTestId("plan-cycle-id")).fill(id);
    await ceo.locator(byTestId("plan-name")).fill(`Browser test ${RUN}`);
    await ceo.locator(byTestId("plan-cadence")).selectOption("custom");
    await ceo.locator(byTestId("plan-starts-on")).fill("2031-01-01");
    await ceo.locator(byTestId("plan-ends-on")).fill("2030-12-01");
    const refused = ceo.waitForResponse((r) => r.url().endsWith("/api/goals/v1/cycles") && r.request().method() === "POST");
    await ceo.locator(byTestId("plan-submit")).click();
    const problem = await (await refused).json();
    const expected = problem.errors.find((e) => e.pointer === "#/ends_on").detail;
    const error = ceo.locator(`${byTestId("plan-form")} ${byTestId("error-ends_on")}`);
    await error.waitFor();
    assert.equal(await error.innerText(), expected);
    assert.equal(await ceo.evaluate(() => document.activeElement?.getAttribute("data-testid")), "plan-ends-on");
    await screenshot(ceo, "admin-02-plan-error");

    await ceo.locator(byTestId("plan-ends-on")).fill("2031-03-31");
    await ceo.locator(byTestId("plan-submit")).click();
    await ceo.locator(byTestId("plan-done")).waitFor();
    const row = ceo.locator(byTestId(`cycle-${id}`));
    await row.waitFor();
    assert.equal(await row.getAttribute("data-state"), "planning");

    await ceo.locator(byTestId(`cycle-advance-${id}`)).click();
    await row.locator(byTestId("advance-submit")).click();
    await row.locator(byTestId("error-reason")).waitFor();
    assert.equal(await row.locator(byTestId("advance-reason")).getAttribute("aria-invalid"), "true");
    await row.locator(byTestId("advance-reason")).fill("Planning signed off in the leadership meeting");
    const moved = ceo.waitForResponse((r) => r.url().includes(`/api/goals/v1/cycles/${id}/state`));
    await row.locator(byTestId("advance-submit")).click();
    const answer = await moved;
    assert.equal(answer.status(), 200, await answer.text());
    assert.deepEqual(JSON.parse(answer.request().postData()), {
      state: "active",
      reason: "Planning signed off in the leadership meeting",
    });
    await ceo.locator(byTestId("advance-done")).waitFor();
    await until(() => row.getAttribute("data-state"), (s) => s === "active", 5_000);
    assert.equal(await row.getAttribute("data-state"), "active");
    assert.equal(await ceo.locator(byTestId(`cycle-state-${id}`)).innerText(), "Active");
    await screenshot(ceo, "admin-03-cycle-active");
  });

  it("shows a refused import's row problem at the row and imports nothing, then imports a good file", async () => {
    const counts = ceo.locator(byTestId("directory-counts"));
    await counts.waitFor();
    const people = async () => Number(await counts.getAttribute("data-people"));
    const before = await people();
    const newcomer = `new.${RUN}@shopco.example`;
    // A team of its own, so the people imported here change no other test's teams.
    const team = `imported-${RUN}`;
    const document = (email) => ({
      org_units: [{ org_unit_id: team, name: "Imported team", kind: "team", parent_id: "rnd" }],
      people: [
        { person_id: newcomer, name: "Noor Haddad", email: newcomer, org_unit_id: team, manager_id: SAM },
        { person_id: `bad.${RUN}@shopco.example`, name: "Bad Row", email, org_unit_id: team },
      ],
    });
    await ceo.locator(byTestId("import-text")).fill(JSON.stringify(document("not-an-address"), null, 2));
    const refused = ceo.waitForResponse((r) => r.url().includes("/api/goals/v1/directory/import"));
    await ceo.locator(byTestId("import-submit")).click();
    const answer = await refused;
    assert.equal(answer.status(), 422);
    const problem = await answer.json();
    assert.deepEqual(problem.errors.map((e) => e.pointer), ["#/people/1/email"]);
    const rowError = ceo.locator(byTestId("import-row-error-people-1"));
    await rowError.waitFor();
    assert.match(await rowError.innerText(), new RegExp(`email: ${problem.errors[0].detail}`));
    assert.equal(await ceo.locator(byTestId("import-row-error-people-0")).count(), 0);
    await ceo.locator(byTestId("import-refused")).waitFor();
    await screenshot(ceo, "admin-04-import-refused");

    const directory = await ceo.evaluate(async () => {
      const session = JSON.parse(sessionStorage.getItem("okr.session"));
      const r = await fetch("/api/goals/v1/directory/people?limit=1000", {
        headers: { Authorization: `Bearer ${session.token}` },
      });
      return (await r.json()).items.map((p) => p.person_id);
    });
    assert.ok(!directory.includes(newcomer), "the good row of a refused file was not imported");
    assert.equal(await people(), before);

    await ceo.locator(byTestId("import-text")).fill(JSON.stringify(document(`bad.${RUN}@shopco.example`)));
    await ceo.locator(byTestId("import-submit")).click();
    const report = ceo.locator(byTestId("import-report"));
    await report.waitFor();
    assert.match(await report.innerText(), /3 created/); // the team and its two people
    await until(people, (n) => n === before + 2, 5_000);
    assert.equal(await people(), before + 2);
    await screenshot(ceo, "admin-05-import-done");
  });

  it("shows someone who is not an admin a clear not-allowed state and no admin link", async () => {
    const ana = await newPage(browser);
    await signIn(ana, ANA);
    assert.equal(await ana.locator(byTestId("nav-admin")).count(), 0);
    await ana.goto("/admin");
    await ana.locator(byTestId("admin-forbidden")).waitFor();
    await ana.context().close();
  });

  it("lets Ana start a one-to-one with her manager Sam, and Sam read it and answer", async () => {
    const ana = await newPage(browser);
    await signIn(ana, ANA);
    await ana.locator(byTestId("lang-en")).click();
    await ana.locator(byTestId("nav-conversations")).click();
    await ana.waitForURL("**/conversations");
    const withWhom = ana.locator(byTestId("start-with"));
    await withWhom.waitFor();
    assert.match(await withWhom.locator("option:checked").innerText(), /Sam Okafor \(your manager\)/);
    const topic = `Checkout research ${RUN}`;
    await ana.locator(byTestId("start-topic")).fill(topic);
    await ana.locator(byTestId("start-submit")).click();
    await ana.waitForURL(/\/conversations\/[^/]+$/);
    const conversationId = decodeURIComponent(ana.url().split("/").pop());
    await ana.locator(byTestId("thread")).waitFor();

    await ana.locator(byTestId("message-submit")).click();
    await ana.locator(`${byTestId("message-form")} ${byTestId("error-text")}`).waitFor();
    assert.equal(await ana.locator(byTestId("message-text")).getAttribute("aria-invalid"), "true");
    await screenshot(ana, "conversations-01-message-error");

    await ana.locator(byTestId("message-text")).fill("Could we go through the interview findings on Thursday?");
    await ana.locator(byTestId("message-submit")).click();
    await ana.locator(byTestId("message-list")).getByText("Could we go through the interview findings").waitFor();
    await screenshot(ana, "conversations-02-ana");

    const sam = await newPage(browser);
    await signIn(sam, SAM);
    await sam.locator(byTestId("lang-en")).click();
    await sam.locator(byTestId("nav-conversations")).click();
    const item = sam.locator(byTestId(`conversation-${conversationId}`));
    await item.waitFor();
    // Names arrive with the people query, after the list: wait for Ana's to replace her id.
    await item.getByText(/With Ana Lima/).waitFor();
    assert.match(await item.innerText(), new RegExp(topic));
    assert.match(await item.innerText(), /With Ana Lima/);
    await item.click();
    await sam.locator(byTestId("message-list")).getByText("Could we go through the interview findings").waitFor();
    await sam.locator(byTestId("message-text")).fill("Yes, Thursday at ten works. Bring the recordings.");
    await sam.locator(byTestId("message-submit")).click();
    await sam.locator(byTestId("message-list")).getByText("Thursday at ten works").waitFor();
    await screenshot(sam, "conversations-03-sam-answers");

    const answered = await until(
      () => ana.locator(byTestId("message-list")).innerText(),
      (text) => text.includes("Thursday at ten works"),
      10_000,
    );
    assert.match(answered.value, /Thursday at ten works/, "Ana's open thread shows Sam's answer");

    const feedback = sam.locator(byTestId("feedback-form"));
    await feedback.waitFor();
    await feedback.locator(byTestId("feedback-kind")).selectOption("praise");
    await feedback.locator(byTestId("feedback-text")).fill(`Great research pace ${RUN}`);
    await feedback.locator(byTestId("feedback-submit")).click();
    await sam.locator(byTestId("feedback-list")).getByText(`Great research pace ${RUN}`).waitFor();
    await screenshot(sam, "conversations-04-feedback");

    const phone = await newPage(browser, { width: 375, height: 812 });
    await signIn(phone, ANA);
    await phone.goto(`/conversations/${encodeURIComponent(conversationId)}`);
    await phone.locator(byTestId("message-list")).waitFor();
    const wide = await overflow(phone);
    assert.ok(wide.pixels <= 1, `the page is ${wide.pixels} px wider than the phone: ${wide.past.join(", ")}`);
    await screenshot(phone, "conversations-05-375px");
    for (const page of [ana, sam, phone]) await page.context().close();
  });
});
