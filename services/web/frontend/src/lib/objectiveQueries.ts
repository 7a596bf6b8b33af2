/** Reads of the objective page, corrections, tree filters, scoped dashboards and the history
 * slider (TanStack Query). */

import { useQueries, useQuery } from "@tanstack/react-query";
import { api } from "./api";
import type {
  CheckInKnown,
  DueItemFull,
  Feedback,
  GoalsObjectiveFull,
  HistoryEntry,
} from "./objectiveTypes";
import type { ObjectiveProgress, Page } from "./types";

const enc = encodeURIComponent;

export function useObjectiveFull(objectiveId: string) {
  return useQuery({
    queryKey: ["objective", objectiveId],
    queryFn: ({ signal }) =>
      api.get<GoalsObjectiveFull>("goals", `/v1/objectives/${enc(objectiveId)}`, signal),
  });
}

export function useObjectiveHistory(objectiveId: string) {
  return useQuery({
    queryKey: ["objective-history", objectiveId],
    queryFn: ({ signal }) =>
      api.get<HistoryEntry[]>("goals", `/v1/objectives/${enc(objectiveId)}/history`, signal),
  });
}

export function useFeedback(objectiveId: string) {
  return useQuery({
    queryKey: ["feedback", objectiveId],
    queryFn: ({ signal }) =>
      api.get<{ items: Feedback[] }>("checkins", `/v1/objectives/${enc(objectiveId)}/feedback`, signal),
    select: (data) => data.items,
  });
}

/** Every check-in of a key result known now, corrected ones included (`replaced_by` set). */
export function useAllCheckIns(keyResultId: string, enabled = true) {
  return useQuery({
    queryKey: ["check-ins-all", keyResultId],
    enabled,
    queryFn: ({ signal }) =>
      api.get<{ items: CheckInKnown[] }>(
        "checkins",
        `/v1/key-results/${enc(keyResultId)}/check-ins`,
        signal,
      ),
    select: (data) => data.items,
  });
}

/** The check-in histories of many key results at once (the dashboard's trend). */
export function useCheckInHistories(keyResultIds: string[], refetchMs?: number) {
  return useQueries({
    queries: keyResultIds.map((id) => ({
      queryKey: ["check-ins-all", id],
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        api.get<{ items: CheckInKnown[] }>("checkins", `/v1/key-results/${enc(id)}/check-ins`, signal),
      refetchInterval: refetchMs,
    })),
  });
}

/** The objectives in view of a dashboard or a tree filter: a person's (owned or involved in), a
 * unit's and the units below it, or the whole cycle's. */
export function useScopeObjectives(
  cycleId: string | undefined,
  scope: { personId?: string; orgUnitId?: string },
  pollMs?: number,
) {
  const path = scope.personId
    ? `/v1/people/${enc(scope.personId)}/objectives?cycle_id=${enc(cycleId ?? "")}&limit=500`
    : scope.orgUnitId
      ? `/v1/org-units/${enc(scope.orgUnitId)}/objectives?cycle_id=${enc(cycleId ?? "")}&limit=500`
      : `/v1/objectives?cycle_id=${enc(cycleId ?? "")}&limit=500`;
  return useQuery({
    queryKey: ["scope-objectives", cycleId, scope.personId ?? null, scope.orgUnitId ?? null],
    enabled: Boolean(cycleId),
    queryFn: ({ signal }) => api.get<Page<ObjectiveProgress>>("projections", path, signal),
    select: (data) => data.items,
    refetchInterval: pollMs,
  });
}

/** The open check-ins due of each person (403 for those the caller may not see). */
export function useDueOfPeople(personIds: string[], pollMs?: number) {
  return useQueries({
    queries: personIds.map((id) => ({
      queryKey: ["due", id],
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        api.get<{ items: DueItemFull[] }>("projections", `/v1/people/${enc(id)}/check-ins-due`, signal),
      refetchInterval: pollMs,
      retry: false,
    })),
  });
}
