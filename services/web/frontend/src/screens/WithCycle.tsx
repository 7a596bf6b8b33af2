import { useTranslation } from "react-i18next";
import { Navigate } from "react-router";
import { pickActiveCycle, useCycles } from "../lib/queries";
import { Empty, ErrorView, Loading } from "../components/States";

/** `/tree`, `/dashboard`, `/history` without a cycle open the active cycle's page. */
export function WithCycle({ to }: { to: "tree" | "dashboard" | "history" }) {
  const { t } = useTranslation();
  const cycles = useCycles();
  if (cycles.isPending) return <Loading />;
  if (cycles.isError) return <ErrorView error={cycles.error} />;
  const cycle = pickActiveCycle(cycles.data);
  if (!cycle) return <Empty message={t("cycle.none")} />;
  return <Navigate to={`/${to}/${encodeURIComponent(cycle.cycle_id)}`} replace />;
}
