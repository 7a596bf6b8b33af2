import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { Chart } from "../components/Chart";
import { COLORS } from "../components/colors";
import { ConfidenceBadge, ProgressBar } from "../components/Progress";
import { Empty, ErrorView, Loading } from "../components/States";
import { formatPercent } from "../lib/format";
import { useCycleObjectives, useProjectedTree } from "../lib/queries";
import { distinct } from "../lib/tree";
import type { ProjectedTreeNode } from "../lib/types";
import { CyclePicker } from "./CyclePicker";

// The projections serve no push channel (SSE/WebSocket) yet, so the dashboard polls every second
// while the tab is visible (TanStack Query pauses intervals in hidden tabs): a check-in made
// elsewhere shows within two seconds.
const POLL_MS = 1000;

const BUCKETS = [0, 0.25, 0.5, 0.75] as const;

function bucketOf(progress: number): number {
  let index = 0;
  BUCKETS.forEach((lower, i) => {
    if (progress >= lower) index = i;
  });
  return index;
}

function companyProgress(roots: ProjectedTreeNode[]): number | null {
  const company = roots.filter((r) => r.level === "company");
  const shown = company.length > 0 ? company : roots;
  if (shown.length === 0) return null;
  return shown.reduce((sum, r) => sum + (r.rollup_progress ?? 0), 0) / shown.length;
}

export function Dashboard() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { cycleId } = useParams();
  const tree = useProjectedTree(cycleId, POLL_MS);
  const objectives = useCycleObjectives(cycleId, POLL_MS);

  const nodes = useMemo(() => distinct(tree.data?.roots ?? []), [tree.data]);
  const units = nodes.filter((n) => n.level === "department" || n.level === "team");

  const distribution = useMemo(() => {
    const counts = BUCKETS.map(() => 0);
    nodes.forEach((n) => {
      const i = bucketOf(n.rollup_progress ?? 0);
      counts[i] = (counts[i] ?? 0) + 1;
    });
    const labels = BUCKETS.map((lower, i) => {
      const upper = BUCKETS[i + 1] ?? 1;
      return `${formatPercent(lower, lang)}–${formatPercent(upper, lang)}`;
    });
    return {
      aria: { enabled: true },
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: labels, axisLabel: { color: COLORS.text, interval: 0 } },
      yAxis: { type: "value", minInterval: 1, axisLabel: { color: COLORS.text } },
      series: [
        {
          name: t("dashboard.objectives"),
          type: "bar",
          itemStyle: { color: COLORS.primary },
          data: counts,
        },
      ],
    };
  }, [nodes, t, lang]);

  const keyResults = useMemo(
    () =>
      (objectives.data ?? []).flatMap((o) =>
        o.key_results.map((kr) => ({ objective: o, kr })),
      ),
    [objectives.data],
  );
  const atRisk = keyResults.filter(
    ({ kr }) => kr.confidence_band === "at_risk" || kr.confidence_band === "off_track",
  );

  const confidence = useMemo(() => {
    const bands = ["on_track", "at_risk", "off_track", "none"] as const;
    const counts = bands.map(
      (band) =>
        keyResults.filter(({ kr }) => (kr.confidence_band ?? "none") === band).length,
    );
    return {
      aria: { enabled: true },
      tooltip: { trigger: "item" },
      legend: { bottom: 0, textStyle: { color: COLORS.text } },
      series: [
        {
          type: "pie",
          radius: ["40%", "70%"],
          label: { color: COLORS.text },
          data: bands.map((band, i) => ({
            name: t(`confidence.${band}`),
            value: counts[i],
            itemStyle: { color: COLORS[band] },
          })),
        },
      ],
    };
  }, [keyResults, t]);

  return (
    <section className="page">
      <h1>{t("dashboard.title")}</h1>
      <CyclePicker current={cycleId} to="dashboard" />
      {tree.isPending && <Loading />}
      {tree.isError && <ErrorView error={tree.error} />}
      {tree.isSuccess && nodes.length === 0 && <Empty message={t("tree.empty")} />}
      {tree.isSuccess && nodes.length > 0 && (
        <div className="dashboard-grid">
          <div className="card kpi">
            <h2>{t("dashboard.company")}</h2>
            <p className="kpi-value" data-testid="dashboard-company-progress" aria-live="polite">
              {formatPercent(companyProgress(tree.data.roots), lang, 1)}
            </p>
          </div>
          <div className="card">
            <h2>{t("dashboard.units")}</h2>
            <ul className="unit-list">
              {units.map((n) => (
                <li key={n.objective_id}>
                  <Link to={`/objectives/${encodeURIComponent(n.objective_id)}`}>{n.title}</Link>
                  <ProgressBar value={n.rollup_progress} testId={`dashboard-unit-${n.objective_id}`} />
                </li>
              ))}
            </ul>
          </div>
          <div className="card">
            <h2>{t("dashboard.distribution")}</h2>
            <Chart still option={distribution} testId="chart-distribution" label={t("dashboard.distributionLabel")} />
          </div>
          <div className="card">
            <h2>{t("dashboard.confidence")}</h2>
            <Chart still option={confidence} testId="chart-confidence" label={t("dashboard.confidenceLabel")} />
          </div>
          <div className="card wide">
            <h2>{t("dashboard.atRisk")}</h2>
            {objectives.isError && <ErrorView error={objectives.error} />}
            {objectives.isSuccess && atRisk.length === 0 && <Empty message={t("dashboard.noRisk")} />}
            <ul className="risk-list" data-testid="at-risk-list">
              {atRisk.map(({ objective, kr }) => (
                <li key={kr.key_result_id}>
                  <ConfidenceBadge band={kr.confidence_band} confidence={kr.confidence} />{" "}
                  <Link to={`/objectives/${encodeURIComponent(objective.objective_id)}`}>{kr.title}</Link>
                  <span className="risk-objective">{objective.title}</span>
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
    </section>
  );
}
