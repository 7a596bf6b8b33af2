/** Pure logic of the grading and rewards screens: bands, who may score, the calibration chart. */

import type { EChartsCoreOption } from "echarts/core";
import { COLORS } from "../components/colors";
import type { Band, KeyResultReview, OrgUnit, Person, Summary } from "./gradingTypes";
import type { ObjectiveProgress } from "./types";

/** The review service's band colours, drawn in the app's AA colours. */
export const BAND_COLORS: Record<string, string> = {
  green: COLORS.on_track,
  yellow: COLORS.at_risk,
  red: COLORS.off_track,
};

/** The API's band colours, in the order charts stack them. */
export const BAND_ORDER = ["red", "yellow", "green"] as const;

/** The confidence badge class showing a band colour (same tints, AA text). */
export function bandClass(color: string): string {
  if (color === "green") return "badge-on_track";
  if (color === "yellow") return "badge-at_risk";
  if (color === "red") return "badge-off_track";
  return "badge-none";
}

/** A band's label in the UI language (the API gives both). */
export function bandLabel(band: Band, lang: string): string {
  return lang === "zh" ? band.label.zh : band.label.en;
}

/** The people above a person in the manager chain, nearest first (cycles cut). */
export function managerChain(people: Person[], personId: string): string[] {
  const byId = new Map(people.map((p) => [p.person_id, p]));
  const chain: string[] = [];
  let current = byId.get(personId)?.manager_id ?? null;
  while (current && !chain.includes(current) && current !== personId) {
    chain.push(current);
    current = byId.get(current)?.manager_id ?? null;
  }
  return chain;
}

/** A unit and every unit above it, the unit first. */
export function unitLine(units: OrgUnit[], unitId: string | null | undefined): string[] {
  const byId = new Map(units.map((u) => [u.org_unit_id, u]));
  const line: string[] = [];
  let current = unitId ?? null;
  while (current && !line.includes(current)) {
    line.push(current);
    current = byId.get(current)?.parent_id ?? null;
  }
  return line;
}

export interface Directory {
  people: Person[];
  units: OrgUnit[];
}

type Goal = Pick<ObjectiveProgress, "owner_type" | "owner_id" | "org_unit_id">;

/** The people answerable for a key result: its owner, else the objective's owning person. */
function answerableFor(goal: Goal, kr: Pick<KeyResultReview, "owner_id">): string[] {
  if (kr.owner_id) return [kr.owner_id];
  return goal.owner_type === "person" && goal.owner_id ? [goal.owner_id] : [];
}

/** Whether `me` assesses the key result themselves (as the review service decides it: its owner,
 * or, for a unit's objective with no key-result owner, someone of that unit). The API has the
 * last word; this only decides which form to offer. */
export function maySelfScore(
  me: Person | undefined,
  goal: Goal,
  kr: Pick<KeyResultReview, "owner_id">,
  dir: Directory,
): boolean {
  if (!me) return false;
  if (answerableFor(goal, kr).includes(me.person_id)) return true;
  if (goal.owner_type === "org_unit" && !kr.owner_id) {
    return Boolean(me.org_unit_id) && unitLine(dir.units, goal.owner_id).includes(me.org_unit_id!);
  }
  return false;
}

/** Whether `me` sits above the key result's owner: in an answerable person's manager chain, or
 * (a unit's objective with no key-result owner) in a unit above the objective's. */
export function mayManagerScore(
  me: Person | undefined,
  goal: Goal,
  kr: Pick<KeyResultReview, "owner_id">,
  dir: Directory,
): boolean {
  if (!me) return false;
  if (answerableFor(goal, kr).some((p) => managerChain(dir.people, p).includes(me.person_id))) {
    return true;
  }
  if (goal.owner_type === "org_unit" && !kr.owner_id) {
    return Boolean(me.org_unit_id) && unitLine(dir.units, goal.owner_id).slice(1).includes(me.org_unit_id!);
  }
  return false;
}

/** The scores a form offers: 0 to 1 on the rules' step. */
export function scoreSteps(step: number): number[] {
  if (!(step > 0)) return [];
  const count = Math.round(1 / step);
  return Array.from({ length: count + 1 }, (_, i) => Number((i * step).toFixed(6)));
}

/** Whether the score strays from the suggestion by more than the threshold (the API then asks
 * for a remark; the form says so beforehand). */
export function needsRemark(score: number, suggested: number, threshold: number): boolean {
  return Math.abs(score - suggested) > threshold + 1e-9;
}

/** The people a kudos on the objective (or one of its key results) may go to, the default
 * first: as the incentive service answers it. */
export function kudosRecipients(objective: ObjectiveProgress, keyResultId: string | null): string[] {
  const owner = objective.owner_type === "person" ? (objective.owner_id ?? null) : null;
  if (keyResultId) {
    const kr = objective.key_results.find((k) => k.key_result_id === keyResultId);
    const who = kr?.owner_id || owner;
    return who ? [who] : [];
  }
  const krOwners = [
    ...new Set(objective.key_results.map((k) => k.owner_id).filter((p): p is string => Boolean(p))),
  ].sort();
  return [...(owner ? [owner] : []), ...krOwners.filter((p) => p !== owner)];
}

/** Band shares per unit (stacked bars), and each unit's mean score next to its spread. */
export function calibrationCharts(
  byUnit: Record<string, Summary>,
  unitName: (id: string) => string,
  bandName: (color: string) => string,
  labels: { mean: string; spread: string },
): { shares: EChartsCoreOption; means: EChartsCoreOption } {
  const ids = Object.keys(byUnit).sort();
  const names = ids.map((id) => unitName(id));
  const axis = { axisLabel: { color: COLORS.text, interval: 0, width: 90, overflow: "truncate" } };
  const shares: EChartsCoreOption = {
    aria: { enabled: true },
    tooltip: { trigger: "axis", valueFormatter: (v: number) => `${Math.round(v * 100)}%` },
    legend: { bottom: 0, textStyle: { color: COLORS.text } },
    grid: { left: 8, right: 16, top: 16, bottom: 40, containLabel: true },
    xAxis: { type: "category", data: names, ...axis },
    yAxis: {
      type: "value",
      max: 1,
      axisLabel: { color: COLORS.text, formatter: (v: number) => `${Math.round(v * 100)}%` },
    },
    series: BAND_ORDER.map((color) => ({
      name: bandName(color),
      type: "bar",
      stack: "bands",
      itemStyle: { color: BAND_COLORS[color] },
      data: ids.map((id) => byUnit[id]!.bands[color] ?? 0),
    })),
  };
  const means: EChartsCoreOption = {
    aria: { enabled: true },
    tooltip: { trigger: "axis" },
    legend: { bottom: 0, textStyle: { color: COLORS.text } },
    grid: { left: 8, right: 16, top: 16, bottom: 40, containLabel: true },
    xAxis: { type: "category", data: names, ...axis },
    yAxis: { type: "value", min: 0, max: 1, axisLabel: { color: COLORS.text } },
    series: [
      {
        name: labels.mean,
        type: "bar",
        itemStyle: { color: COLORS.primary },
        data: ids.map((id) => byUnit[id]!.mean),
      },
      {
        name: labels.spread,
        type: "bar",
        itemStyle: { color: COLORS.own },
        data: ids.map((id) => byUnit[id]!.spread),
      },
    ],
  };
  return { shares, means };
}
