/** React views of the session and the service banner's state. */

import { useSyncExternalStore } from "react";
import { downServices, subscribeDown } from "./banner";
import { getSession, subscribeSession } from "./session";

export function useSession() {
  return useSyncExternalStore(subscribeSession, getSession);
}

export function useDownServices() {
  return useSyncExternalStore(subscribeDown, downServices);
}
