import { describe, expect, it } from "vitest";
import { fieldErrors, fieldOf } from "./problems";

describe("problem details", () => {
  it("names a field by the pointer's last segment", () => {
    expect(fieldOf("#/confidence")).toBe("confidence");
    expect(fieldOf("#/note/plans")).toBe("plans");
    expect(fieldOf("query:as_of")).toBe("as_of");
    expect(fieldOf("#/blockers/2")).toBe("blockers");
    expect(fieldOf("#")).toBe("");
  });

  it("keeps the first message per field", () => {
    expect(
      fieldErrors({
        errors: [
          { pointer: "#/value", detail: "must be a number" },
          { pointer: "#/value", detail: "second" },
          { pointer: "#/effective_at", detail: "must not be in the future" },
        ],
      }),
    ).toEqual({ value: "must be a number", effective_at: "must not be in the future" });
    expect(fieldErrors(undefined)).toEqual({});
  });
});
