/** The review service's answers the grading screen reads (fields as its schemas name them). */

export interface BandLabel {
  en: string;
  zh: string;
}

export interface Band {
  color: string;
  label: BandLabel;
}

export interface ScoreGiven {
  kind: "self" | "manager" | "correction" | "calibration" | string;
  score: number;
  previous_score: number;
  remark: string | null;
  reason: string | null;
  by: string;
  at: string;
  calibration_session_id?: string | null;
}

export interface KeyResultReview {
  key_result_id: string;
  title: string;
  kind: string;
  weight: number | null;
  owner_id: string | null;
  value: boolean | number | null;
  check_in_id: string | null;
  progress: number;
  suggested_score: number;
  score: number;
  band: Band;
  scores: ScoreGiven[];
}

export interface Review {
  review_id: string;
  version: number;
  cycle_id: string;
  objective_id: string;
  commitment: string;
  rule_version: number;
  cycle_ends_on: string;
  grading_opened_at: string;
  score: number;
  band: Band;
  finalised: { by: string; at: string; reason: string } | null;
  key_results: KeyResultReview[];
}

export interface RuleSet {
  version: number;
  step: number;
  remark_threshold: number;
}

export interface Summary {
  count: number;
  mean: number;
  spread: number;
  bands: Record<string, number>;
}

export interface Calibration {
  cycle_id: string;
  org_unit_id: string;
  overall: Summary;
  by_org_unit: Record<string, Summary>;
  by_manager: Record<string, Summary>;
  by_commitment: Record<string, Summary>;
  objectives: {
    objective_id: string;
    title: string;
    review_id: string;
    owner_type: string;
    owner_id: string;
    org_unit_id: string | null;
    commitment: string;
    score: number;
    band: Band;
    finalised: boolean;
  }[];
}

export interface RetrospectiveContent {
  worked: string[];
  did_not_work: string[];
  lessons: string[];
  next_steps: { text: string; objective_id: string | null; rolled_over_from?: string | null }[];
}

export interface Retrospective {
  retrospective_id: string;
  version: number;
  cycle_id: string;
  objective_id: string | null;
  org_unit_id: string | null;
  sharing: string;
  content: RetrospectiveContent;
  written_by: string;
  written_at: string;
  revised_by: string | null;
  revised_at: string | null;
}

/** The goal service's directory (for names, the manager chain and the unit tree). */
export interface OrgUnit {
  org_unit_id: string;
  name: string;
  kind: string;
  parent_id: string | null;
}

export interface Person {
  person_id: string;
  name: string;
  manager_id: string | null;
  org_unit_id: string | null;
  active: boolean;
}
