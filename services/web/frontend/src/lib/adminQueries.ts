/** Reads of the admin screen: the directory's org units and people. */

import { useQuery } from "@tanstack/react-query";
import { api } from "./api";
import type { DirectoryEntry, OrgUnit } from "./adminTypes";

export function useOrgUnits() {
  return useQuery({
    queryKey: ["directory", "org-units"],
    queryFn: ({ signal }) =>
      api.get<{ items: OrgUnit[] }>("goals", "/v1/directory/org-units", signal),
    select: (data) => data.items,
  });
}

/** The directory's people (the API's largest page). */
export function useDirectoryPeople() {
  return useQuery({
    queryKey: ["directory", "people"],
    queryFn: ({ signal }) =>
      api.get<{ items: DirectoryEntry[] }>("goals", "/v1/directory/people?limit=1000", signal),
    select: (data) => data.items,
  });
}
