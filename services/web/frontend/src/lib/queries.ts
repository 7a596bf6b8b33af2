/** Data fetching and caching of the platform's reads (TanStack Query). */

import { useQuery } from "@tanstack/react-query";
import { api } from "./api";
import type {
  CheckIn,
  Cycle,
  DueItem,
  GoalsObjective,
  GoalsTree,
  ObjectiveProgress,
  Page,
  ProjectedTree,
} from "./types";

const enc = encodeURIComponent;

export function useCycles() {
  return useQuery({
    queryKey: ["cycles"],
    queryFn: ({ signal }) => api.get<{ items: Cycle[] }>("goals", "/v1/cycles", signal),
    select: (data) => data.items,
  });
}

/** The active cycle (else the latest one that started), for screens opened without a cycle. */
export function pickActiveCycle(cycles: Cycle[] | undefined): Cycle | undefined {
  if (!cycles || cycles.length === 0) return undefined;
  const active = cycles.find((c) => c.state === "active");
  if (active) return active;
  return [...cycles].sort((a, b) => b.starts_on.localeCompare(a.starts_on))[0];
}

/** The projections' alignment tree, of one org unit and below when `orgUnitId` is given. */
export function useProjectedTree(cycleId: string | undefined, pollMs?: number, orgUnitId?: string) {
  return useQuery({
    queryKey: ["projected-tree", cycleId, orgUnitId ?? null],
    enabled: Boolean(cycleId),
    queryFn: ({ signal }) =>
      api.get<ProjectedTree>(
        "projections",
        `/v1/cycles/${enc(cycleId!)}/tree${orgUnitId ? `?org_unit_id=${enc(orgUnitId)}` : ""}`,
        signal,
      ),
    refetchInterval: pollMs,
  });
}

export function useCycleObjectives(cycleId: string | undefined, pollMs?: number) {
  return useQuery({
    queryKey: ["cycle-objectives", cycleId],
    enabled: Boolean(cycleId),
    queryFn: ({ signal }) =>
      api.get<Page<ObjectiveProgress>>(
        "projections",
        `/v1/objectives?cycle_id=${enc(cycleId!)}&limit=500`,
        signal,
      ),
    select: (data) => data.items,
    refetchInterval: pollMs,
  });
}

/** Objectives the person owns or owns a key result of, in the cycle. */
export function useMyObjectives(personId: string, cycleId: string | undefined) {
  return useQuery({
    queryKey: ["my-objectives", personId, cycleId],
    enabled: Boolean(cycleId),
    queryFn: ({ signal }) =>
      api.get<Page<ObjectiveProgress>>(
        "projections",
        `/v1/people/${enc(personId)}/objectives?cycle_id=${enc(cycleId!)}`,
        signal,
      ),
    select: (data) => data.items,
  });
}

export function useDue(personId: string) {
  return useQuery({
    queryKey: ["due", personId],
    queryFn: ({ signal }) =>
      api.get<{ items: DueItem[] }>(
        "projections",
        `/v1/people/${enc(personId)}/check-ins-due`,
        signal,
      ),
    select: (data) => data.items,
  });
}

export function useGoalsTree(cycleId: string | undefined, asOf: string | null) {
  return useQuery({
    queryKey: ["goals-tree", cycleId, asOf],
    enabled: Boolean(cycleId),
    queryFn: ({ signal }) =>
      api.get<GoalsTree>(
        "goals",
        `/v1/cycles/${enc(cycleId!)}/tree${asOf ? `?as_of=${enc(asOf)}` : ""}`,
        signal,
      ),
  });
}

export function useObjective(objectiveId: string) {
  return useQuery({
    queryKey: ["objective", objectiveId],
    queryFn: ({ signal }) =>
      api.get<GoalsObjective>("goals", `/v1/objectives/${enc(objectiveId)}`, signal),
  });
}

export function useObjectiveProgress(objectiveId: string) {
  return useQuery({
    queryKey: ["objective-progress", objectiveId],
    queryFn: ({ signal }) =>
      api.get<ObjectiveProgress>(
        "projections",
        `/v1/objectives/${enc(objectiveId)}/progress`,
        signal,
      ),
  });
}

export function useCheckIns(keyResultId: string) {
  return useQuery({
    queryKey: ["check-ins", keyResultId],
    queryFn: ({ signal }) =>
      api.get<{ items: CheckIn[] }>(
        "checkins",
        `/v1/key-results/${enc(keyResultId)}/check-ins`,
        signal,
      ),
    select: (data) => data.items.filter((c) => !c.replaced_by),
  });
}
