/** The directory (goal service) as every screen reads it: org units and people, cached. */

import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import type { DirectoryEntry, OrgUnit } from "./adminTypes";
import { api } from "./api";

export function useOrgUnits() {
  return useQuery({
    queryKey: ["directory", "org-units"],
    queryFn: ({ signal }) =>
      api.get<{ items: OrgUnit[] }>("goals", "/v1/directory/org-units", signal),
    select: (data) => data.items,
    staleTime: 60_000,
  });
}

/** A person as every screen names them: an erased person's name reads as such. */
export function shownPerson(person: DirectoryEntry, erased: string): DirectoryEntry & { name: string } {
  return { ...person, name: person.erased || person.name === null ? erased : person.name };
}

/** The directory's people (the API's largest page). */
export function usePeople() {
  const { t } = useTranslation();
  return useQuery({
    queryKey: ["directory", "people"],
    queryFn: ({ signal }) =>
      api.get<{ items: DirectoryEntry[] }>("goals", "/v1/directory/people?limit=1000", signal),
    select: (data) => data.items.map((p) => shownPerson(p, t("directory.erased"))),
    staleTime: 60_000,
  });
}
