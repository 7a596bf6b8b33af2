/** React views of the session, the sign-in configuration and the service banner's state. */

import { useQuery } from "@tanstack/react-query";
import { useSyncExternalStore } from "react";
import { request } from "./api";
import { downServices, subscribeDown } from "./banner";
import type { AuthConfig } from "./oidc";
import { getSession, subscribeSession } from "./session";

export function useSession() {
  return useSyncExternalStore(subscribeSession, getSession);
}

export function useDownServices() {
  return useSyncExternalStore(subscribeDown, downServices);
}

/** How the web app signs in (development or OIDC), from the web server; fetched once. */
export function useAuthConfig() {
  return useQuery({
    queryKey: ["auth-config"],
    queryFn: () => request<AuthConfig>(null, "/auth/config", { anonymous: true }),
    staleTime: Infinity,
  });
}
