import { describe, expect, it } from "vitest";
import {
  bandClass,
  bandLabel,
  calibrationCharts,
  kudosRecipients,
  managerChain,
  mayManagerScore,
  maySelfScore,
  needsRemark,
  scoreSteps,
  unitLine,
} from "./grading";
import type { OrgUnit, Person } from "./gradingTypes";
import type { ObjectiveProgress } from "./types";

const person = (person_id: string, manager_id: string | null, org_unit_id: string): Person => ({
  person_id,
  name: person_id,
  manager_id,
  org_unit_id,
  active: true,
});
const people = [
  person("ceo", null, "co"),
  person("cto", "ceo", "rnd"),
  person("sam", "cto", "pay"),
  person("ana", "sam", "pay"),
];
const units: OrgUnit[] = [
  { org_unit_id: "co", name: "Co", kind: "company", parent_id: null },
  { org_unit_id: "rnd", name: "R&D", kind: "department", parent_id: "co" },
  { org_unit_id: "pay", name: "Payments", kind: "team", parent_id: "rnd" },
];
const dir = { people, units };
const byId = (id: string) => people.find((p) => p.person_id === id);

describe("grading logic", () => {
  it("walks the manager chain and the unit line, nearest first, without looping", () => {
    expect(managerChain(people, "ana")).toEqual(["sam", "cto", "ceo"]);
    expect(managerChain([person("a", "b", "x"), person("b", "a", "x")], "a")).toEqual(["b"]);
    expect(unitLine(units, "pay")).toEqual(["pay", "rnd", "co"]);
  });

  it("offers the self-assessment to the key result's owner and the override to those above", () => {
    const teamGoal = { owner_type: "org_unit", owner_id: "pay", org_unit_id: "pay" };
    const anaKr = { owner_id: "ana" };
    expect(maySelfScore(byId("ana"), teamGoal, anaKr, dir)).toBe(true);
    expect(maySelfScore(byId("sam"), teamGoal, anaKr, dir)).toBe(false);
    expect(mayManagerScore(byId("sam"), teamGoal, anaKr, dir)).toBe(true);
    expect(mayManagerScore(byId("cto"), teamGoal, anaKr, dir)).toBe(true);
    expect(mayManagerScore(byId("ana"), teamGoal, anaKr, dir)).toBe(false);

    const personal = { owner_type: "person", owner_id: "ana", org_unit_id: "pay" };
    expect(maySelfScore(byId("ana"), personal, { owner_id: null }, dir)).toBe(true);
    expect(mayManagerScore(byId("sam"), personal, { owner_id: null }, dir)).toBe(true);

    const rndGoal = { owner_type: "org_unit", owner_id: "rnd", org_unit_id: "rnd" };
    expect(maySelfScore(byId("cto"), rndGoal, { owner_id: null }, dir)).toBe(true);
    expect(mayManagerScore(byId("ceo"), rndGoal, { owner_id: null }, dir)).toBe(true);
    expect(mayManagerScore(byId("cto"), rndGoal, { owner_id: null }, dir)).toBe(false);
    expect(maySelfScore(undefined, rndGoal, { owner_id: null }, dir)).toBe(false);
  });

  it("offers scores on the rules' step and says when a remark is needed", () => {
    expect(scoreSteps(0.25)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(scoreSteps(0.1)).toHaveLength(11);
    expect(scoreSteps(0.1)[3]).toBe(0.3);
    expect(needsRemark(0.6, 0.4, 0.2)).toBe(false);
    expect(needsRemark(0.7, 0.4, 0.2)).toBe(true);
  });

  it("shows a band in the UI language with an AA tint per colour", () => {
    const band = { color: "yellow", label: { en: "Progress made", zh: "有进展" } };
    expect(bandLabel(band, "zh")).toBe("有进展");
    expect(bandLabel(band, "en")).toBe("Progress made");
    expect(bandClass("green")).toBe("badge-on_track");
    expect(bandClass("purple")).toBe("badge-none");
  });

  it("names kudos recipients as the incentive service does, the default first", () => {
    const objective: ObjectiveProgress = {
      objective_id: "o",
      owner_type: "org_unit",
      owner_id: "pay",
      key_results: [
        { key_result_id: "k1", owner_id: "sam" },
        { key_result_id: "k2", owner_id: "ana" },
        { key_result_id: "k3", owner_id: null },
      ],
    };
    expect(kudosRecipients(objective, null)).toEqual(["ana", "sam"]);
    expect(kudosRecipients(objective, "k1")).toEqual(["sam"]);
    expect(kudosRecipients(objective, "k3")).toEqual([]);
    const mine = { ...objective, owner_type: "person", owner_id: "ana" };
    expect(kudosRecipients(mine, null)).toEqual(["ana", "sam"]);
    expect(kudosRecipients(mine, "k3")).toEqual(["ana"]);
  });

  it("charts band shares stacked per unit and each unit's mean next to its spread", () => {
    const summary = (mean: number, spread: number, bands: Record<string, number>) => ({ count: 2, mean, spread, bands });
    const { shares, means } = calibrationCharts(
      { rnd: summary(0.9, 0, { red: 1 }), pay: summary(0.78, 0.14, { yellow: 0.25, green: 0.75 }) },
      (id) => id.toUpperCase(),
      (color) => `band ${color}`,
      { mean: "Mean", spread: "Spread" },
    );
    const series = shares.series as { name: string; stack: string; data: number[] }[];
    expect((shares.xAxis as { data: string[] }).data).toEqual(["PAY", "RND"]);
    expect(series.map((s) => s.name)).toEqual(["band red", "band yellow", "band green"]);
    expect(series.every((s) => s.stack === "bands")).toBe(true);
    expect(series[0]!.data).toEqual([0, 1]);
    expect(series[2]!.data).toEqual([0.75, 0]);
    const bars = means.series as { name: string; data: number[] }[];
    expect(bars.map((s) => [s.name, s.data])).toEqual([
      ["Mean", [0.78, 0.9]],
      ["Spread", [0.14, 0]],
    ]);
  });
});
