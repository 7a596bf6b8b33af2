/** Pure logic of the tree filters, the scoped dashboards, the trend and the history slider. */

import type { CheckInKnown, DueItemFull, OrgUnit, Person, ProjectedKeyResult } from "./objectiveTypes";
import type { ObjectiveProgress } from "./types";

const DAY_MS = 24 * 3600 * 1000;

/** The unit and every unit below it. */
export function unitSubtree(units: OrgUnit[], rootId: string): Set<string> {
  const found = new Set([rootId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const unit of units) {
      if (unit.parent_id && found.has(unit.parent_id) && !found.has(unit.org_unit_id)) {
        found.add(unit.org_unit_id);
        grew = true;
      }
    }
  }
  return found;
}

/** The active people a dashboard looks at: one person, a unit's and its sub-units', or all. */
export function peopleInScope(
  people: Person[],
  units: OrgUnit[],
  scope: { personId?: string; orgUnitId?: string },
): Person[] {
  const active = people.filter((p) => p.active);
  if (scope.personId) return active.filter((p) => p.person_id === scope.personId);
  if (scope.orgUnitId) {
    const within = unitSubtree(units, scope.orgUnitId);
    return active.filter((p) => p.org_unit_id !== null && within.has(p.org_unit_id));
  }
  return active;
}

interface TreeLike<T> {
  objective_id: string;
  children: T[];
}

export type Marked<T> = Omit<T, "children"> & { match: boolean; children: Marked<T>[] };

/** The tree cut to the nodes that match and the nodes above them (kept as context, `match`
 * false); null when nothing matches. */
export function pruneTree<T extends TreeLike<T>>(roots: T[], matches: (node: T) => boolean): Marked<T>[] {
  const walk = (node: T): Marked<T> | null => {
    const children = node.children.map(walk).filter((c): c is Marked<T> => c !== null);
    const match = matches(node);
    if (!match && children.length === 0) return null;
    return { ...node, match, children };
  };
  return roots.map(walk).filter((n): n is Marked<T> => n !== null);
}

/** Every tag and every status of the objectives, sorted. */
export function facets(objectives: ObjectiveProgress[]): { tags: string[]; statuses: string[] } {
  const tags = new Set<string>();
  const statuses = new Set<string>();
  for (const o of objectives) {
    for (const tag of (o as ObjectiveProgress & { tags?: string[] }).tags ?? []) tags.add(tag);
    if (o.status) statuses.add(o.status);
  }
  return { tags: [...tags].sort(), statuses: [...statuses].sort() };
}

/** A key result's progress at a value, by the platform's rule (okr_shared.progress): numeric
 * kinds the share of start → target covered (clamped), milestone all or nothing, range 1 inside
 * [lower, upper] falling to 0 one width away; before any check-in the initial value. */
export function keyResultProgress(kr: ProjectedKeyResult, value: boolean | number | null | undefined): number | null {
  const kind = kr.kind;
  if (kind === "milestone") return value === true ? 1 : 0;
  if (kind === "range") {
    const lower = kr.lower;
    const upper = kr.upper;
    const v = value ?? kr.baseline;
    if (lower == null || upper == null || typeof v !== "number") return null;
    if (v >= lower && v <= upper) return 1;
    const width = upper - lower;
    if (width === 0) return 0;
    const distance = v < lower ? lower - v : v - upper;
    return Math.max(0, 1 - distance / width);
  }
  const start = kr.start;
  const target = kr.target;
  const v = value ?? start;
  if (start == null || target == null || target === start || typeof v !== "number") return null;
  return Math.min(1, Math.max(0, (v - start) / (target - start)));
}

/** The live check-in standing at `at`: corrected ones left out, the latest effective by then
 * (ties: the later recorded), as the platform's timeline rule orders them. */
export function standingAt(checkIns: CheckInKnown[], at: number): CheckInKnown | null {
  const replaced = new Set(checkIns.map((c) => c.corrects).filter(Boolean));
  const live = checkIns
    .filter((c) => !replaced.has(c.check_in_id) && Date.parse(c.effective_at) <= at)
    .sort(
      (a, b) =>
        Date.parse(a.effective_at) - Date.parse(b.effective_at) ||
        Date.parse(a.recorded_at) - Date.parse(b.recorded_at),
    );
  return live[live.length - 1] ?? null;
}

/** The ends of the cycle's days (UTC) up to now; today ends now. */
export function cycleDays(startsOn: string, endsOn: string, now: number): number[] {
  const first = Date.parse(`${startsOn}T00:00:00Z`);
  const last = Date.parse(`${endsOn}T00:00:00Z`);
  const days: number[] = [];
  for (let day = first; day <= last && day <= now; day += DAY_MS) {
    days.push(Math.min(day + DAY_MS - 1, now));
  }
  return days;
}

/** The trend of the objectives' own progress over the cycle: for each day, the mean over the
 * objectives of the weighted mean of their key results' progress at the value standing at the
 * day's end, from today's knowledge of the check-ins and today's key-result definitions. */
export function trendSeries(
  objectives: ObjectiveProgress[],
  histories: Map<string, CheckInKnown[]>,
  days: number[],
): [number, number][] {
  const withKrs = objectives.filter((o) => o.key_results.length > 0);
  if (withKrs.length === 0) return [];
  return days.map((end) => {
    const each = withKrs.map((o) => {
      let total = 0;
      let weights = 0;
      for (const kr of o.key_results as ProjectedKeyResult[]) {
        const standing = standingAt(histories.get(kr.key_result_id) ?? [], end);
        const progress = keyResultProgress(kr, standing ? standing.value : null);
        const weight = kr.weight ?? 1;
        if (progress === null) continue;
        total += progress * weight;
        weights += weight;
      }
      return weights > 0 ? total / weights : 0;
    });
    return [end, each.reduce((a, b) => a + b, 0) / each.length];
  });
}

export interface FreshnessRow {
  person: Person;
  due: number;
  overdue: number;
  lastCheckIn: string | null;
  keyResults: number;
  allowed: boolean;
}

/** Who has not checked in: per person in view, their open due and overdue check-ins (the
 * projections' due items) and the latest effective check-in time of the key results they answer
 * for (a key result's owner, else its objective's owning person). Overdue first, then due, then
 * the longest silent. */
export function freshness(
  people: Person[],
  due: Map<string, DueItemFull[] | "forbidden">,
  objectives: ObjectiveProgress[],
): FreshnessRow[] {
  const last = new Map<string, string | null>();
  const count = new Map<string, number>();
  for (const o of objectives) {
    for (const kr of o.key_results) {
      const who = kr.owner_id ?? (o.owner_type === "person" ? o.owner_id : null);
      if (!who) continue;
      count.set(who, (count.get(who) ?? 0) + 1);
      const at = kr.last_check_in_at ?? null;
      const before = last.get(who) ?? null;
      if (!last.has(who) || (at && (!before || at > before))) last.set(who, at ?? before);
    }
  }
  const rows = people.map((person) => {
    const items = due.get(person.person_id);
    const open = Array.isArray(items) ? items : [];
    return {
      person,
      due: open.filter((i) => i.status === "due").length,
      overdue: open.filter((i) => i.status === "overdue").length,
      lastCheckIn: last.get(person.person_id) ?? null,
      keyResults: count.get(person.person_id) ?? 0,
      allowed: items !== "forbidden",
    };
  });
  return rows.sort(
    (a, b) =>
      b.overdue - a.overdue ||
      b.due - a.due ||
      (a.lastCheckIn ?? "").localeCompare(b.lastCheckIn ?? "") ||
      a.person.name.localeCompare(b.person.name),
  );
}

/** Key results of a band, lowest confidence first. */
export function byConfidence(
  objectives: ObjectiveProgress[],
  band: "at_risk" | "off_track",
): { objective: ObjectiveProgress; kr: ObjectiveProgress["key_results"][number] }[] {
  return objectives
    .flatMap((objective) => objective.key_results.map((kr) => ({ objective, kr })))
    .filter(({ kr }) => kr.confidence_band === band)
    .sort((a, b) => (a.kr.confidence ?? 0) - (b.kr.confidence ?? 0));
}

/** The slider's day index for an instant, and the instant a day stands for (its end, UTC, or
 * now for today). */
export function dayIndexOf(days: number[], at: number): number {
  const index = days.findIndex((end) => at <= end);
  return index === -1 ? days.length - 1 : index;
}

/** What an event changed, as short `field: value` lines. */
export function changeLines(changes: Record<string, unknown>): string[] {
  return Object.entries(changes)
    .filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`);
}
