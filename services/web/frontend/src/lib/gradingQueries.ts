/** Reads of the grading screen: reviews, scoring rules, calibration, retrospectives, directory. */

import { useQuery } from "@tanstack/react-query";
import { api } from "./api";
import type {
  Calibration,
  Retrospective,
  Review,
  RuleSet,
} from "./gradingTypes";

const enc = encodeURIComponent;

/** The cycle's reviews; read again every `pollMs` when given (the review service has no push
 * channel: others' scores and a finalisation show up while the page is open). */
export function useReviews(cycleId: string | undefined, pollMs?: number) {
  return useQuery({
    queryKey: ["reviews", cycleId],
    enabled: Boolean(cycleId),
    refetchInterval: pollMs ?? false,
    queryFn: ({ signal }) =>
      api.get<{ items: Review[] }>("reviews", `/v1/reviews?cycle_id=${enc(cycleId!)}`, signal),
    select: (data) => data.items,
  });
}

export function useScoringRules(version: number | undefined) {
  return useQuery({
    queryKey: ["scoring-rules", version],
    enabled: version !== undefined,
    queryFn: ({ signal }) => api.get<RuleSet>("reviews", `/v1/scoring-rules/${version}`, signal),
    staleTime: Infinity,
  });
}

export function useCalibration(cycleId: string | undefined, orgUnitId: string | undefined) {
  return useQuery({
    queryKey: ["calibration", cycleId, orgUnitId],
    enabled: Boolean(cycleId && orgUnitId),
    queryFn: ({ signal }) =>
      api.get<Calibration>(
        "reviews",
        `/v1/cycles/${enc(cycleId!)}/calibration?org_unit_id=${enc(orgUnitId!)}`,
        signal,
      ),
  });
}

export function useRetrospectives(cycleId: string | undefined) {
  return useQuery({
    queryKey: ["retrospectives", cycleId],
    enabled: Boolean(cycleId),
    queryFn: ({ signal }) =>
      api.get<{ items: Retrospective[] }>(
        "reviews",
        `/v1/cycles/${enc(cycleId!)}/retrospectives`,
        signal,
      ),
    select: (data) => data.items,
  });
}

