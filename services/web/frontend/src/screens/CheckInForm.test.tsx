import { afterEach, describe, expect, it, vi } from "vitest";
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { CheckInForm, checkInBody } from "./CheckInForm";
import { jsonResponse, renderWithProviders } from "../test/render";
import type { KeyResultProgress } from "../lib/types";

const kr: KeyResultProgress = { key_result_id: "kr-1", title: "Sessions", kind: "increase_to" };

afterEach(() => vi.unstubAllGlobals());

function type(testId: string, value: string) {
  fireEvent.change(screen.getByTestId(testId), { target: { value } });
}

describe("the check-in form", () => {
  it("shows the API's message under the field the problem's pointer names", async () => {
    const fetch = vi.fn(async () =>
      jsonResponse(
        422,
        {
          title: "Invalid request",
          status: 422,
          detail: "#/confidence: must be a whole number from 0 to 10",
          errors: [{ pointer: "#/confidence", detail: "must be a whole number from 0 to 10" }],
        },
        "application/problem+json",
      ),
    );
    vi.stubGlobal("fetch", fetch);
    renderWithProviders(<CheckInForm keyResult={kr} onClose={() => {}} />);
    type("checkin-value", "12");
    type("checkin-confidence", "11");
    fireEvent.click(screen.getByTestId("checkin-submit"));

    const error = await screen.findByTestId("error-confidence");
    expect(error.textContent).toBe("must be a whole number from 0 to 10");
    expect(screen.getByTestId("checkin-confidence").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByTestId("checkin-value").getAttribute("aria-invalid")).toBe("false");
    expect(screen.queryByTestId("error-value")).toBeNull();
    expect(screen.getByRole("alert").textContent).toContain("must be a whole number");
    const body = JSON.parse((fetch.mock.calls[0] as unknown as [string, RequestInit])[1].body as string);
    expect(body).toMatchObject({ key_result_id: "kr-1", value: 12, confidence: 11 });
  });

  it("places a nested pointer (note part) at its field", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () =>
        jsonResponse(422, {
          detail: "bad",
          errors: [{ pointer: "#/note/plans", detail: "must be at most 4000 characters" }],
        }),
      ),
    );
    renderWithProviders(<CheckInForm keyResult={kr} onClose={() => {}} />);
    fireEvent.click(screen.getByTestId("checkin-submit"));
    expect((await screen.findByTestId("error-plans")).textContent).toBe("must be at most 4000 characters");
  });

  it("keeps what was typed as a draft, restored when the form opens again", () => {
    const first = renderWithProviders(<CheckInForm keyResult={kr} onClose={() => {}} />);
    type("checkin-value", "7.5");
    type("checkin-plans", "more sessions");
    first.unmount();
    renderWithProviders(<CheckInForm keyResult={kr} onClose={() => {}} />);
    expect((screen.getByTestId("checkin-value") as HTMLInputElement).value).toBe("7.5");
    expect((screen.getByTestId("checkin-plans") as HTMLTextAreaElement).value).toBe("more sessions");
  });

  it("drops the draft once the check-in is recorded", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => jsonResponse(201, { check_in_id: "c1" })));
    renderWithProviders(<CheckInForm keyResult={kr} onClose={() => {}} />);
    type("checkin-value", "3");
    type("checkin-confidence", "8");
    fireEvent.click(screen.getByTestId("checkin-submit"));
    await screen.findByRole("status");
    await waitFor(() => expect(sessionStorage.getItem("okr.draft.checkin.kr-1")).toBeNull());
  });
});

describe("the check-in body", () => {
  const draft = {
    value: "",
    confidence: "",
    progress: "p",
    plans: "",
    problems: "",
    blockers: "",
    effective_at: "",
  };

  it("sends milestones as true or false", () => {
    expect(checkInBody("k", "milestone", { ...draft, value: "done" }).value).toBe(true);
    expect(checkInBody("k", "milestone", { ...draft, value: "not_done" }).value).toBe(false);
  });

  it("sends what is not a number as typed, for the API to name", () => {
    const body = checkInBody("k", "increase_to", { ...draft, value: "ten", confidence: "x" });
    expect(body.value).toBe("ten");
    expect(body.confidence).toBe("x");
    expect(body.note).toEqual({ progress: "p", plans: "", problems: "" });
    expect("effective_at" in body).toBe(false);
    expect(body.blockers).toEqual([]);
  });

  it("sends one blocker per line", () => {
    const body = checkInBody("k", "increase_to", { ...draft, blockers: "waiting for legal\n\n  no test devices " });
    expect(body.blockers).toEqual(["waiting for legal", "no test devices"]);
  });

  it("back-dates with an ISO instant", () => {
    const body = checkInBody("k", "increase_to", { ...draft, value: "1", effective_at: "2026-11-03T09:30" });
    expect(body).toHaveProperty("effective_at", new Date("2026-11-03T09:30").toISOString());
  });
});
