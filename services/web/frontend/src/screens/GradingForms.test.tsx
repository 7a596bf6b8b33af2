import { afterEach, describe, expect, it, vi } from "vitest";
import { fireEvent, screen } from "@testing-library/react";
import { jsonResponse, renderWithProviders } from "../test/render";
import type { KeyResultReview, Review } from "../lib/gradingTypes";
import type { ObjectiveProgress } from "../lib/types";
import { KudosForm, kudosBody } from "./KudosForm";
import { retrospectiveBody } from "./RetrospectiveForm";
import { ScoreForm, scoreBody } from "./ScoreForm";

afterEach(() => vi.unstubAllGlobals());

const band = { color: "yellow", label: { en: "Progress made", zh: "有进展" } };
const kr: KeyResultReview = {
  key_result_id: "kr-1",
  title: "Payment failures",
  kind: "decrease_to",
  weight: 1,
  owner_id: "ana",
  value: 3.6,
  check_in_id: null,
  progress: 0.85,
  suggested_score: 0.8,
  score: 0.8,
  band,
  scores: [],
};
const review: Review = {
  review_id: "rev-1",
  version: 4,
  cycle_id: "2026-Q3",
  objective_id: "obj-1",
  commitment: "aspirational",
  rule_version: 0,
  cycle_ends_on: "2026-09-30",
  grading_opened_at: "2026-10-01T00:00:00Z",
  score: 0.8,
  band,
  finalised: null,
  key_results: [kr],
};
const rules = { version: 0, step: 0.1, remark_threshold: 0.2 };

const problem = (pointer: string, detail: string) =>
  jsonResponse(422, { title: "Invalid request", status: 422, detail: `${pointer}: ${detail}`, errors: [{ pointer, detail }] });

describe("the score form", () => {
  it("sends the score on the step with the review's version, and shows the remark refusal at the field", async () => {
    const fetch = vi.fn(async () => problem("#/remark", "the score differs from the suggestion 0.8 by more than 0.2: say why"));
    vi.stubGlobal("fetch", fetch);
    renderWithProviders(<ScoreForm review={review} kr={kr} kind="self" rules={rules} onClose={() => {}} />);
    const select = screen.getByTestId("score-self-kr-1-score") as HTMLSelectElement;
    expect(select.options).toHaveLength(11);
    fireEvent.change(select, { target: { value: "0.3" } });
    expect(screen.getByLabelText("Remark (required)")).toBeTruthy();
    fireEvent.click(screen.getByTestId("score-self-kr-1-submit"));

    const error = await screen.findByTestId("error-remark");
    expect(error.textContent).toContain("say why");
    const remark = screen.getByTestId("score-self-kr-1-remark");
    expect(remark.getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement).toBe(remark);
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/reviews/v1/reviews/rev-1/key-results/kr-1/self-score");
    expect(JSON.parse(init.body as string)).toEqual({ score: 0.3, expected_version: 4 });
  });

  it("leaves out an empty remark and keeps a written one", () => {
    expect(scoreBody("0.5", "  ", 2)).toEqual({ score: 0.5, expected_version: 2 });
    expect(scoreBody("0.5", " late hire ", 2)).toEqual({ score: 0.5, remark: "late hire", expected_version: 2 });
  });

  it("posts a manager's override to its own route", async () => {
    const fetch = vi.fn(async () => jsonResponse(200, review));
    vi.stubGlobal("fetch", fetch);
    renderWithProviders(<ScoreForm review={review} kr={kr} kind="manager" rules={rules} onClose={() => {}} />);
    fireEvent.change(screen.getByTestId("score-manager-kr-1-remark"), { target: { value: "The provider was late" } });
    fireEvent.click(screen.getByTestId("score-manager-kr-1-submit"));
    await screen.findByTestId("score-manager-kr-1-done");
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/reviews/v1/reviews/rev-1/key-results/kr-1/manager-score");
    expect(JSON.parse(init.body as string)).toMatchObject({ score: 0.8, remark: "The provider was late" });
  });

  it("takes the focus on opening, and gives it to the confirmation's button once recorded", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => jsonResponse(200, review)));
    const onClose = vi.fn();
    renderWithProviders(<ScoreForm review={review} kr={kr} kind="self" rules={rules} onClose={onClose} />);
    expect(document.activeElement).toBe(screen.getByTestId("score-self-kr-1-score"));
    fireEvent.click(screen.getByTestId("score-self-kr-1-submit"));
    const close = await screen.findByTestId("score-self-kr-1-close");
    expect(document.activeElement).toBe(close);
    fireEvent.click(close);
    expect(onClose).toHaveBeenCalledOnce();
  });
});

describe("the retrospective body", () => {
  it("names an objective or a team, one item a line", () => {
    const draft = { subject: "unit:pay", worked: "pairing\n\n reviews ", did_not_work: "", lessons: "plan", next_steps: "hire", sharing: "team" };
    expect(retrospectiveBody("2026-Q3", draft)).toEqual({
      cycle_id: "2026-Q3",
      org_unit_id: "pay",
      content: { worked: ["pairing", "reviews"], did_not_work: [], lessons: ["plan"], next_steps: [{ text: "hire" }] },
      sharing: "team",
    });
    expect(retrospectiveBody("2026-Q3", { ...draft, subject: "objective:o-1" })).toMatchObject({ objective_id: "o-1" });
    expect(retrospectiveBody("2026-Q3", { ...draft, subject: "" })).not.toHaveProperty("objective_id");
  });
});

describe("the kudos form", () => {
  const objective: ObjectiveProgress = {
    objective_id: "11111111-1111-4111-8111-111111111111",
    title: "Make payment failures visible",
    owner_type: "person",
    owner_id: "ana",
    key_results: [{ key_result_id: "22222222-2222-4222-8222-222222222222", title: "Dashboard", owner_id: null }],
  };

  it("builds the body with the service's defaults left out", () => {
    const draft = { objective_id: "o", key_result_id: "", recipient_id: "", message: "Thanks", points: "2" };
    expect(kudosBody(draft, "id-1")).toEqual({ objective_id: "o", message: "Thanks", points: 2, kudos_id: "id-1" });
    expect(kudosBody({ ...draft, points: "two" }, "id-1")).toMatchObject({ points: "two" });
  });

  it("shows the refusal of kudos to oneself at the recipient field", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => problem("#/recipient_id", "nobody recognises themselves")));
    renderWithProviders(<KudosForm objectives={[objective]} nameOf={(id) => id.toUpperCase()} budget={10} />);
    fireEvent.change(screen.getByTestId("kudos-objective"), { target: { value: objective.objective_id } });
    const recipient = screen.getByTestId("kudos-recipient") as HTMLSelectElement;
    expect([...recipient.options].map((o) => o.value)).toEqual(["", "ana"]);
    fireEvent.change(recipient, { target: { value: "ana" } });
    fireEvent.change(screen.getByTestId("kudos-message"), { target: { value: "Well done me" } });
    fireEvent.click(screen.getByTestId("kudos-submit"));
    expect((await screen.findByTestId("error-recipient_id")).textContent).toBe("nobody recognises themselves");
    expect(recipient.getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement).toBe(recipient);
  });

  it("shows a budget refusal at the points field", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => problem("#/points", "11 point(s) asked, 10 of 10 left")));
    renderWithProviders(<KudosForm objectives={[objective]} nameOf={(id) => id} budget={10} />);
    fireEvent.change(screen.getByTestId("kudos-objective"), { target: { value: objective.objective_id } });
    fireEvent.change(screen.getByTestId("kudos-points"), { target: { value: "11" } });
    fireEvent.click(screen.getByTestId("kudos-submit"));
    expect((await screen.findByTestId("error-points")).textContent).toBe("11 point(s) asked, 10 of 10 left");
  });
});
