import { describe, expect, it } from "vitest";
import type { CheckInKnown } from "../lib/objectiveTypes";
import { correctable, correctionBody, draftOf } from "./CorrectionForm";

const base: CheckInKnown = {
  check_in_id: "1",
  key_result_id: "kr",
  objective_id: "o",
  value: 3.8,
  confidence: 6,
  confidence_band: "at_risk",
  note: { progress: "p", plans: "q", problems: "r" },
  blockers: ["one", "two"],
  effective_at: "2026-10-05T00:00:00Z",
  recorded_at: "2026-10-05T00:00:00Z",
  actor_id: "ana",
};

describe("corrections", () => {
  it("start from the corrected check-in, keeping its effective time", () => {
    const draft = draftOf(base);
    expect(draft).toMatchObject({ value: "3.8", confidence: "6", progress: "p", blockers: "one\ntwo", effective_at: "" });
    const body = correctionBody("kr", "decrease_to", "1", { ...draft, value: "3.6" }, "  typo ");
    expect(body).toMatchObject({ key_result_id: "kr", corrects: "1", value: 3.6, reason: "typo", blockers: ["one", "two"] });
    expect(body).not.toHaveProperty("effective_at");
  });

  it("send an empty reason as typed, so the API names the field", () => {
    expect(correctionBody("kr", "milestone", "1", draftOf({ ...base, value: true }), "")).toMatchObject({ value: true, reason: "" });
  });

  it("offer the live check-ins, latest first", () => {
    const items = [
      base,
      { ...base, check_in_id: "2", effective_at: "2026-10-12T00:00:00Z", replaced_by: "3" },
      { ...base, check_in_id: "3", effective_at: "2026-10-12T00:00:00Z", corrects: "2" },
    ];
    expect(correctable(items).map((c) => c.check_in_id)).toEqual(["3", "1"]);
  });
});
