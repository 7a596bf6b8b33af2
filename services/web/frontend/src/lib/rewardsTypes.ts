/** The incentive service's and the projections' answers the rewards screen reads. */

export interface AwardEntry {
  kind: "granted" | "adjusted" | string;
  entry_id: string;
  award_id: string;
  cycle_id: string;
  policy_id: string;
  policy_version: number;
  points: number;
  multiplier: number;
  score: number | null;
  badges: string[];
  previous: Record<string, number> | null;
  source_event_id: string | null;
  reason: string | null;
  at: string;
}

export interface Ledger {
  person_id: string;
  balance: { points: number };
  cycles: { cycle_id: string; award_id: string; points: number; multiplier: number }[];
  entries: AwardEntry[];
}

export interface EvidenceEntry extends AwardEntry {
  inputs: {
    person_id: string;
    cycle_id: string;
    org_unit_id: string | null;
    days_in_cycle: number;
    cycle_days: number;
    objectives: { objective_id: string; review_id: string; level: string; commitment: string; score: number }[];
    unit_requested: number;
    cycle_requested: number;
  };
  evidence: { event_id: string; type: string; sequence: number; review_id: string }[];
  recomputed: { points: number; multiplier: number };
  matches: boolean;
}

export interface Evidence {
  award_id: string;
  person_id: string;
  cycle_id: string;
  policy_id: string;
  policy_version: number;
  points: number;
  multiplier: number;
  entries: EvidenceEntry[];
}

export interface Kudos {
  kudos_id: string;
  cycle_id: string;
  giver_id: string;
  recipient_id: string;
  objective_id: string;
  key_result_id: string | null;
  points: number;
  message: string;
  given_at: string;
}

export interface Honour {
  nomination_id: string;
  cycle_id: string;
  nominee_type: string;
  nominee_id: string;
  honour: string;
  citation: string;
  state: string;
  decided_at: string | null;
}

export interface Badge {
  badge_id: string;
  kind: string;
  periods: number;
  awarded_at: string;
}

export interface Recognition {
  person_id: string;
  kudos_received: Kudos[];
  kudos_given: Kudos[];
  honours: Honour[];
  badges: Badge[];
}

/** An item of the projections' recognition wall: the fields of its kind. */
export interface WallItem {
  kind: "kudos" | "honour" | "badge" | string;
  at: string;
  kudos_id?: string;
  giver_id?: string;
  recipient_id?: string;
  objective_id?: string;
  points?: number;
  message?: string;
  nomination_id?: string;
  nominee_type?: string;
  nominee_id?: string;
  honour?: string;
  citation?: string;
  badge_id?: string;
  person_id?: string;
  badge?: string;
  periods?: number;
}

export interface Wall {
  org_unit_id: string;
  items: WallItem[];
  total: number;
  limit: number;
  offset: number;
}
