/** Reads of the rewards screen: a ledger, an award's evidence, recognition, a team's wall. */

import { useQuery } from "@tanstack/react-query";
import { api } from "./api";
import type { Evidence, Ledger, Recognition, Wall } from "./rewardsTypes";

const enc = encodeURIComponent;

export function useAwards(personId: string) {
  return useQuery({
    queryKey: ["awards", personId],
    queryFn: ({ signal }) =>
      api.get<Ledger>("incentives", `/v1/people/${enc(personId)}/awards`, signal),
  });
}

export function useEvidence(awardId: string | null) {
  return useQuery({
    queryKey: ["award-evidence", awardId],
    enabled: Boolean(awardId),
    queryFn: ({ signal }) =>
      api.get<Evidence>("incentives", `/v1/awards/${enc(awardId!)}/evidence`, signal),
  });
}

export function useRecognition(personId: string | undefined) {
  return useQuery({
    queryKey: ["recognition", personId],
    enabled: Boolean(personId),
    queryFn: ({ signal }) =>
      api.get<Recognition>("incentives", `/v1/people/${enc(personId!)}/recognition`, signal),
  });
}

export function useRecognitionWall(orgUnitId: string | undefined) {
  return useQuery({
    queryKey: ["recognition-wall", orgUnitId],
    enabled: Boolean(orgUnitId),
    queryFn: ({ signal }) =>
      api.get<Wall>(
        "projections",
        `/v1/org-units/${enc(orgUnitId!)}/recognition-wall?include_sub_units=true`,
        signal,
      ),
  });
}

export function useKudosSettings() {
  return useQuery({
    queryKey: ["recognition-settings"],
    queryFn: ({ signal }) =>
      api.get<{ kudos_budget: number }>("incentives", "/v1/recognition/settings", signal),
    staleTime: 60_000,
  });
}
