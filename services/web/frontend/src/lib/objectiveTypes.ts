/** Shapes the objective page, corrections, tree filters, scoped dashboards and the history slider
 * read (fields as the services' schemas name them). */

import type { KeyResultProgress } from "./types";

/** goals `InitiativeOut`. */
export interface Initiative {
  initiative_id: string;
  key_result_id: string;
  title: string;
  owner_id: string;
  due_on: string | null;
  deliverable: string;
  status: "todo" | "in_progress" | "done" | "blocked";
}

/** goals `KeyResultOut` (the kind decides which optional fields apply). */
export interface GoalsKeyResultFull {
  key_result_id: string;
  title: string;
  kind: string;
  owner_id: string | null;
  weight: number;
  unit: string;
  start: number | null;
  target: number | null;
  baseline?: number | null;
  lower?: number | null;
  upper?: number | null;
}

/** goals `ObjectiveOut`, the fields the objective page reads. */
export interface GoalsObjectiveFull {
  objective_id: string;
  title: string;
  description: string;
  level: string;
  owner_type: string;
  owner_id: string;
  org_unit_id: string | null;
  cycle_id: string;
  tags: string[];
  status: string;
  key_results: GoalsKeyResultFull[];
  initiatives: Initiative[];
  version: number;
  modified_on: string;
}

/** goals `HistoryEntryOut`: one change of an objective. */
export interface HistoryEntry {
  version: number;
  event: string;
  recorded_at: string;
  actor_id: string;
  correlation_id: string | null;
  reason: string | null;
  correction: boolean;
  changes: Record<string, unknown>;
}

/** check-ins `FeedbackOut`. */
export interface Feedback {
  feedback_id: string;
  key_result_id: string | null;
  kind: "praise" | "suggestion" | "concern";
  text: string;
  author_id: string;
  given_at: string | null;
}

/** check-ins `CheckInKnownOut`. */
export interface CheckInKnown {
  check_in_id: string;
  key_result_id: string;
  objective_id: string;
  value: boolean | number | null;
  confidence: number;
  confidence_band: string;
  note: { progress: string; plans: string; problems: string };
  blockers: string[];
  effective_at: string;
  recorded_at: string;
  actor_id: string;
  corrects?: string | null;
  reason?: string | null;
  replaced_by?: string | null;
}

/** goals `OrgUnitOut`. */
export interface OrgUnit {
  org_unit_id: string;
  name: string;
  kind: string;
  parent_id: string | null;
}

/** goals `PersonOut`. */
export interface Person {
  person_id: string;
  name: string;
  email: string | null;
  manager_id: string | null;
  org_unit_id: string | null;
  locale: string | null;
  active: boolean;
}

/** A key result of a projections objective document: its definition travels with it. */
export interface ProjectedKeyResult extends KeyResultProgress {
  baseline?: number | null;
  lower?: number | null;
  upper?: number | null;
}

/** projections `DueItemOut`. */
export interface DueItemFull {
  key_result_id: string;
  objective_id?: string | null;
  owner_id?: string | null;
  period_start?: string | null;
  period_end?: string | null;
  status?: string | null;
}
