import { describe, expect, it } from "vitest";
import type { CheckInKnown, OrgUnit, Person } from "./objectiveTypes";
import {
  byConfidence,
  changeLines,
  cycleDays,
  dayIndexOf,
  freshness,
  keyResultProgress,
  peopleInScope,
  pruneTree,
  standingAt,
  trendSeries,
  unitSubtree,
} from "./scope";
import type { ObjectiveProgress } from "./types";

const units: OrgUnit[] = [
  { org_unit_id: "co", name: "Co", kind: "company", parent_id: null },
  { org_unit_id: "rnd", name: "R&D", kind: "department", parent_id: "co" },
  { org_unit_id: "pay", name: "Payments", kind: "team", parent_id: "rnd" },
  { org_unit_id: "sales", name: "Sales", kind: "department", parent_id: "co" },
];
const person = (id: string, unit: string, active = true): Person => ({
  person_id: id,
  name: id.toUpperCase(),
  email: null,
  manager_id: null,
  org_unit_id: unit,
  locale: null,
  active,
});
const people = [person("ceo", "co"), person("cto", "rnd"), person("ana", "pay"), person("old", "pay", false), person("sam", "sales")];

const checkIn = (id: string, value: number, effective: string, extra: Partial<CheckInKnown> = {}): CheckInKnown => ({
  check_in_id: id,
  key_result_id: "kr",
  objective_id: "o",
  value,
  confidence: 7,
  confidence_band: "on_track",
  note: { progress: "", plans: "", problems: "" },
  blockers: [],
  effective_at: effective,
  recorded_at: effective,
  actor_id: "ana",
  ...extra,
});

describe("scope", () => {
  it("takes a unit with the units below it, and the active people in them", () => {
    expect([...unitSubtree(units, "rnd")].sort()).toEqual(["pay", "rnd"]);
    expect(peopleInScope(people, units, { orgUnitId: "rnd" }).map((p) => p.person_id)).toEqual(["cto", "ana"]);
    expect(peopleInScope(people, units, { personId: "sam" }).map((p) => p.person_id)).toEqual(["sam"]);
    expect(peopleInScope(people, units, {})).toHaveLength(4);
  });

  it("prunes a tree to the matches and the nodes above them", () => {
    const tree = [
      { objective_id: "a", children: [{ objective_id: "b", children: [] }, { objective_id: "c", children: [] }] },
      { objective_id: "d", children: [] },
    ];
    const shown = pruneTree(tree, (n) => n.objective_id === "c");
    expect(shown).toEqual([
      { objective_id: "a", match: false, children: [{ objective_id: "c", match: true, children: [] }] },
    ]);
    expect(pruneTree(tree, () => false)).toEqual([]);
  });

  it("computes a key result's progress by the platform's rule", () => {
    expect(keyResultProgress({ key_result_id: "k", kind: "decrease_to", start: 4, target: 3 }, 3.5)).toBeCloseTo(0.5);
    expect(keyResultProgress({ key_result_id: "k", kind: "increase_to", start: 0, target: 8 }, 12)).toBe(1);
    expect(keyResultProgress({ key_result_id: "k", kind: "increase_to", start: 0, target: 8 }, null)).toBe(0);
    expect(keyResultProgress({ key_result_id: "k", kind: "milestone" }, true)).toBe(1);
    const range = { key_result_id: "k", kind: "range", lower: 99.9, upper: 100, baseline: 99.8 };
    expect(keyResultProgress(range, 99.95)).toBe(1);
    expect(keyResultProgress(range, null)).toBeCloseTo(0);
  });

  it("reads the check-in standing at a time, corrections applied", () => {
    const items = [
      checkIn("1", 1, "2026-10-05T00:00:00Z"),
      checkIn("2", 2, "2026-10-12T00:00:00Z", { replaced_by: "3" }),
      checkIn("3", 5, "2026-10-12T00:00:00Z", { corrects: "2", recorded_at: "2026-10-13T00:00:00Z" }),
    ];
    expect(standingAt(items, Date.parse("2026-10-10T00:00:00Z"))?.value).toBe(1);
    expect(standingAt(items, Date.parse("2026-10-20T00:00:00Z"))?.value).toBe(5);
    expect(standingAt(items, Date.parse("2026-10-01T00:00:00Z"))).toBeNull();
  });

  it("draws the trend over the cycle's days up to now", () => {
    const now = Date.parse("2026-10-03T12:00:00Z");
    const days = cycleDays("2026-10-01", "2026-12-31", now);
    expect(days.map((d) => new Date(d).toISOString())).toEqual([
      "2026-10-01T23:59:59.999Z",
      "2026-10-02T23:59:59.999Z",
      "2026-10-03T12:00:00.000Z",
    ]);
    expect(dayIndexOf(days, Date.parse("2026-10-02T08:00:00Z"))).toBe(1);
    const objectives = [
      {
        objective_id: "o",
        key_results: [
          { key_result_id: "kr", kind: "increase_to", start: 0, target: 10, weight: 1 },
          { key_result_id: "m", kind: "milestone", weight: 1 },
        ],
      },
    ] as ObjectiveProgress[];
    const histories = new Map([["kr", [checkIn("1", 4, "2026-10-02T10:00:00Z")]]]);
    expect(trendSeries(objectives, histories, days).map(([, v]) => v)).toEqual([0, 0.2, 0.2]);
  });

  it("lists who has not checked in, overdue first", () => {
    const objectives = [
      {
        objective_id: "o",
        owner_type: "person",
        owner_id: "ana",
        key_results: [
          { key_result_id: "a", owner_id: null, last_check_in_at: "2026-10-05T00:00:00Z" },
          { key_result_id: "b", owner_id: "cto", last_check_in_at: null },
        ],
      },
    ] as ObjectiveProgress[];
    const due = new Map<string, never[] | { key_result_id: string; status: string }[] | "forbidden">([
      ["ana", [{ key_result_id: "a", status: "due" }]],
      ["cto", [{ key_result_id: "b", status: "overdue" }]],
      ["ceo", "forbidden"],
    ]);
    const rows = freshness(peopleInScope(people, units, { orgUnitId: "co" }), due as never, objectives);
    expect(rows.map((r) => [r.person.person_id, r.overdue, r.due, r.lastCheckIn, r.allowed])).toEqual([
      ["cto", 1, 0, null, true],
      ["ana", 0, 1, "2026-10-05T00:00:00Z", true],
      ["ceo", 0, 0, null, false],
      ["sam", 0, 0, null, true],
    ]);
  });

  it("sorts a band's key results by confidence and shows what changed", () => {
    const objectives = [
      {
        objective_id: "o",
        key_results: [
          { key_result_id: "x", confidence: 6, confidence_band: "at_risk" },
          { key_result_id: "y", confidence: 4, confidence_band: "at_risk" },
          { key_result_id: "z", confidence: 2, confidence_band: "off_track" },
        ],
      },
    ] as ObjectiveProgress[];
    expect(byConfidence(objectives, "at_risk").map((e) => e.kr.key_result_id)).toEqual(["y", "x"]);
    expect(changeLines({ title: "New", tags: [], weight: 0.5, none: null })).toEqual(["title: New", "weight: 0.5"]);
  });
});
