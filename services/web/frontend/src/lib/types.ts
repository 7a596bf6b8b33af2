/** The shapes of the platform's answers the UI reads (fields as the services' schemas name them). */

export interface Cycle {
  cycle_id: string;
  name: string;
  cadence: string;
  starts_on: string;
  ends_on: string;
  state: "planning" | "active" | "grading" | "closed";
  version: number;
}

export interface ProjectedTreeNode {
  objective_id: string;
  title?: string | null;
  level?: string | null;
  owner?: { type: string | null; id: string } | null;
  progress?: number | null;
  rollup_progress?: number | null;
  weight?: number | null;
  children: ProjectedTreeNode[];
}

export interface ProjectedTree {
  cycle_id: string;
  org_unit_id: string | null;
  roots: ProjectedTreeNode[];
}

export interface KeyResultProgress {
  key_result_id: string;
  title?: string | null;
  kind?: string | null;
  weight?: number | null;
  current?: boolean | number | null;
  progress?: number | null;
  checked_in?: boolean | null;
  confidence?: number | null;
  confidence_band?: string | null;
  owner_id?: string | null;
  unit?: string | null;
  start?: number | null;
  target?: number | null;
  confidence_trend?: string | null;
  last_check_in_at?: string | null;
}

export interface ObjectiveProgress {
  objective_id: string;
  title?: string | null;
  level?: string | null;
  owner_type?: string | null;
  owner_id?: string | null;
  org_unit_id?: string | null;
  cycle_id?: string | null;
  status?: string | null;
  key_results: KeyResultProgress[];
  progress?: number | null;
  rollup_progress?: number | null;
  involvement?: string[];
}

export interface Page<T> {
  items: T[];
  limit: number;
  offset: number;
}

export interface DueItem {
  key_result_id: string;
  objective_id?: string | null;
  period_start?: string | null;
  period_end?: string | null;
  status?: string | null;
  cadence?: string | null;
}

export interface GoalsKeyResult {
  key_result_id: string;
  title: string;
  kind: string;
  owner_id: string | null;
  weight: number;
  unit: string;
  start: number | null;
  target: number | null;
}

export interface GoalsTreeNode {
  objective_id: string;
  title: string;
  level: string;
  owner_type: string;
  owner_id: string;
  status: string;
  version: number;
  modified_on: string;
  key_results: GoalsKeyResult[];
  weight: number | null;
  children: GoalsTreeNode[];
}

export interface GoalsTree {
  cycle_id: string;
  cycle_state: string;
  as_of: string;
  objective_count: number;
  roots: GoalsTreeNode[];
}

export interface GoalsObjective {
  objective_id: string;
  title: string;
  description: string;
  level: string;
  owner_type: string;
  owner_id: string;
  cycle_id: string;
  status: string;
  key_results: GoalsKeyResult[];
  version: number;
}

export interface CheckIn {
  check_in_id: string;
  key_result_id: string;
  value: boolean | number | null;
  confidence: number;
  confidence_band: string;
  note: { progress: string; plans: string; problems: string };
  effective_at: string;
  recorded_at: string;
  actor_id: string;
  corrects?: string | null;
  replaced_by?: string | null;
}

export interface DirectoryPerson {
  person_id: string;
  name?: string | null;
  locale?: string | null;
  org_unit_id?: string | null;
}
