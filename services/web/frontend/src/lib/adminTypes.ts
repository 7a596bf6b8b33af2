/** Shapes of the admin APIs (goal service cycles and directory, check-in service cadences), as
 * their schemas name them. */

export const CYCLE_CADENCES = ["monthly", "quarterly", "yearly", "custom"] as const;
export const CHECK_IN_CADENCES = ["weekly", "biweekly", "monthly"] as const;
export const NEXT_STATE: Record<string, "active" | "grading" | "closed" | undefined> = {
  planning: "active",
  active: "grading",
  grading: "closed",
};

export interface CycleIn {
  cycle_id: string;
  name: string;
  cadence: string;
  starts_on: string;
  ends_on: string;
}

export interface OrgUnit {
  org_unit_id: string;
  name: string;
  kind: string;
  parent_id: string | null;
  version: number;
}

export interface DirectoryEntry {
  person_id: string;
  /** null once the person's personal data was erased (`erased`). */
  name: string | null;
  erased?: boolean;
  email: string | null;
  manager_id: string | null;
  org_unit_id: string | null;
  locale: string | null;
  active: boolean;
  version: number;
}

export interface ImportReport {
  created: number;
  updated: number;
  unchanged: number;
  left: number;
  events: number;
}

/** One entry of an import refusal's `errors`: `#/<section>/<index>/<field>`, the file's line. */
export interface ImportRowError {
  pointer: string;
  detail: string;
  line?: number;
}

export interface CadenceOut {
  scope: string;
  org_unit_id?: string | null;
  cadence: string;
}
