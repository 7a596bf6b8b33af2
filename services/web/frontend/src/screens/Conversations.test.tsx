import { describe, expect, it } from "vitest";
import { otherOf, partnersOf, startBody } from "./Conversations";
import type { DirectoryEntry } from "../lib/adminTypes";

const person = (person_id: string, manager_id: string | null, active = true): DirectoryEntry => ({
  person_id,
  name: person_id,
  email: null,
  manager_id,
  org_unit_id: null,
  locale: null,
  active,
  version: 1,
});

describe("one-to-ones", () => {
  const people = [person("sam", "cto"), person("ana", "sam"), person("bo", "sam", false), person("cto", null)];

  it("offers my manager first, then my active reports", () => {
    expect(partnersOf("sam", people)).toEqual([
      { kind: "manager", person_id: "cto" },
      { kind: "report", person_id: "ana" },
    ]);
    expect(partnersOf("cto", people)).toEqual([{ kind: "report", person_id: "sam" }]);
    expect(partnersOf("nobody", people)).toEqual([]);
  });

  it("starts the thread with the report as the person and their manager as the manager", () => {
    expect(startBody("ana", { kind: "manager", person_id: "sam" }, "Q3")).toEqual({
      person_id: "ana",
      manager_id: "sam",
      topic: "Q3",
    });
    expect(startBody("sam", { kind: "report", person_id: "ana" }, "")).toEqual({
      person_id: "ana",
      manager_id: "sam",
      topic: "",
    });
  });

  it("names the other participant", () => {
    const c = { conversation_id: "c", person_id: "ana", manager_id: "sam", topic: "", messages: [], version: 1 };
    expect(otherOf(c, "ana")).toBe("sam");
    expect(otherOf(c, "sam")).toBe("ana");
  });
});
