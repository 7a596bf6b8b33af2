import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams, useSearchParams } from "react-router";
import { Chart } from "../components/Chart";
import { COLORS } from "../components/colors";
import { ConfidenceBadge, ProgressBar } from "../components/Progress";
import { Empty, ErrorView, Loading } from "../components/States";
import { formatDate, formatPercent } from "../lib/format";
import { useOrgUnits, usePeople } from "../lib/directory";
import { useCheckInHistories, useDueOfPeople, useScopeObjectives } from "../lib/objectiveQueries";
import type { CheckInKnown, DueItemFull } from "../lib/objectiveTypes";
import { ApiError } from "../lib/problems";
import { useCycles, useProjectedTree } from "../lib/queries";
import { byConfidence, cycleDays, freshness, peopleInScope, trendSeries } from "../lib/scope";
import { distinct } from "../lib/tree";
import type { ObjectiveProgress, ProjectedTreeNode } from "../lib/types";
import { CyclePicker } from "./CyclePicker";

// The projections serve no push channel (SSE/WebSocket) yet, so the dashboard polls every second
// while the tab is visible (TanStack Query pauses intervals in hidden tabs): a check-in made
// elsewhere shows within two seconds. The slower reads (due items, check-in histories of the
// trend) poll every 10 s.
const POLL_MS = 1000;
const SLOW_POLL_MS = 10_000;

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

/** A unit's headline: the rolled-up progress of the objectives the unit itself owns (else of the
 * scope's roots); a person's: the mean own progress of their objectives. */
function scopeProgress(
  scope: { personId?: string; orgUnitId?: string },
  roots: ProjectedTreeNode[],
  objectives: ObjectiveProgress[],
): number | null {
  if (scope.personId) {
    const own = objectives.filter((o) => o.progress !== null && o.progress !== undefined);
    return own.length === 0 ? null : own.reduce((s, o) => s + (o.progress ?? 0), 0) / own.length;
  }
  if (scope.orgUnitId) {
    const owned = roots.filter((r) => r.owner?.type === "org_unit" && r.owner.id === scope.orgUnitId);
    const shown = owned.length > 0 ? owned : roots;
    return shown.length === 0 ? null : shown.reduce((s, r) => s + (r.rollup_progress ?? 0), 0) / shown.length;
  }
  return companyProgress(roots);
}

export function Dashboard() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { cycleId } = useParams();
  const [search, setSearch] = useSearchParams();
  const orgUnitId = search.get("org_unit_id") ?? undefined;
  const personId = search.get("person_id") ?? undefined;
  const scope = useMemo(() => ({ orgUnitId, personId }), [orgUnitId, personId]);
  const cycles = useCycles();
  const cycle = cycles.data?.find((c) => c.cycle_id === cycleId);
  const tree = useProjectedTree(cycleId, POLL_MS, personId ? undefined : orgUnitId);
  const objectives = useScopeObjectives(cycleId, scope, POLL_MS);
  const units = useOrgUnits();
  const people = usePeople();

  const unitNames = useMemo(() => new Map((units.data ?? []).map((u) => [u.org_unit_id, u.name])), [units.data]);
  const personNames = useMemo(() => new Map((people.data ?? []).map((p) => [p.person_id, p.name])), [people.data]);
  const scoped = objectives.data ?? [];
  const nodes = useMemo(() => distinct(tree.data?.roots ?? []), [tree.data]);
  const subUnits = nodes.filter((n) => n.level === "department" || n.level === "team");

  const inScope = useMemo(
    () => peopleInScope(people.data ?? [], units.data ?? [], scope),
    [people.data, units.data, scope],
  );
  const due = useDueOfPeople(inScope.map((p) => p.person_id), SLOW_POLL_MS);
  const dueBy = useMemo(() => {
    const map = new Map<string, DueItemFull[] | "forbidden">();
    inScope.forEach((p, i) => {
      const q = due[i];
      if (q?.data) map.set(p.person_id, q.data.items);
      else if (q?.error instanceof ApiError && q.error.status === 403) map.set(p.person_id, "forbidden");
    });
    return map;
  }, [inScope, due]);
  const fresh = useMemo(() => freshness(inScope, dueBy, scoped), [inScope, dueBy, scoped]);
  const dueLoading = due.some((q) => q.isPending);

  const krIds = useMemo(() => scoped.flatMap((o) => o.key_results.map((kr) => kr.key_result_id)), [scoped]);
  const histories = useCheckInHistories(krIds, SLOW_POLL_MS);
  const historiesReady = histories.every((q) => q.isSuccess);
  const historiesFailed = histories.find((q) => q.isError)?.error;
  // `useQueries` answers a new array each render: recompute when some history's data changed.
  const historiesStamp = histories.map((q) => q.dataUpdatedAt).join();
  const trend = useMemo(() => {
    if (!cycle || !historiesReady) return [];
    const map = new Map<string, CheckInKnown[]>();
    krIds.forEach((id, i) => map.set(id, histories[i]?.data?.items ?? []));
    return trendSeries(scoped, map, cycleDays(cycle.starts_on, cycle.ends_on, Date.now()));
  }, [cycle, historiesReady, krIds, scoped, historiesStamp]);

  const distribution = useMemo(() => {
    const counts = BUCKETS.map(() => 0);
    const values = personId ? scoped.map((o) => o.progress ?? 0) : nodes.map((n) => n.rollup_progress ?? 0);
    values.forEach((v) => {
      const i = bucketOf(v);
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
  }, [nodes, scoped, personId, t, lang]);

  const keyResults = useMemo(() => scoped.flatMap((o) => o.key_results), [scoped]);
  const atRisk = useMemo(() => byConfidence(scoped, "at_risk"), [scoped]);
  const offTrack = useMemo(() => byConfidence(scoped, "off_track"), [scoped]);

  const confidence = useMemo(() => {
    const bands = ["on_track", "at_risk", "off_track", "none"] as const;
    const counts = bands.map((band) => keyResults.filter((kr) => (kr.confidence_band ?? "none") === band).length);
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

  const trendOption = useMemo(
    () => ({
      aria: { enabled: true },
      tooltip: { trigger: "axis", valueFormatter: (v: number) => formatPercent(v / 100, lang) },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: {
        type: "time",
        min: cycle ? Date.parse(`${cycle.starts_on}T00:00:00Z`) : undefined,
        max: cycle ? Date.parse(`${cycle.ends_on}T23:59:59Z`) : undefined,
        axisLabel: {
          color: COLORS.text,
          hideOverlap: true,
          formatter: (v: number) => formatDate(new Date(v).toISOString(), lang),
        },
      },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%", color: COLORS.text } },
      series: [
        {
          name: t("dashboard2.trend"),
          type: "line",
          showSymbol: false,
          areaStyle: { opacity: 0.12 },
          itemStyle: { color: COLORS.primary },
          data: trend.map(([at, v]) => [at, Math.round(v * 1000) / 10]),
        },
      ],
    }),
    [trend, cycle, t, lang],
  );

  const freshOption = useMemo(() => {
    const rows = [...fresh].reverse();
    return {
      aria: { enabled: true },
      tooltip: { trigger: "axis" },
      legend: { top: 0, textStyle: { color: COLORS.text } },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1, axisLabel: { color: COLORS.text } },
      yAxis: {
        type: "category",
        data: rows.map((r) => r.person.name),
        axisLabel: { color: COLORS.text, width: 120, overflow: "truncate" },
      },
      series: [
        { name: t("due.overdue"), type: "bar", stack: "due", itemStyle: { color: COLORS.off_track }, data: rows.map((r) => r.overdue) },
        { name: t("due.due"), type: "bar", stack: "due", itemStyle: { color: COLORS.at_risk }, data: rows.map((r) => r.due) },
      ],
    };
  }, [fresh, t]);

  const scopeName = personId
    ? (personNames.get(personId) ?? personId)
    : orgUnitId
      ? (unitNames.get(orgUnitId) ?? orgUnitId)
      : null;
  const choose = (kind: "org_unit_id" | "person_id", value: string) =>
    setSearch(value ? { [kind]: value } : {}, { replace: true });
  const ready = tree.isSuccess && objectives.isSuccess;
  const empty = ready && (personId ? scoped.length === 0 : nodes.length === 0);
  const silent = fresh.filter((r) => r.allowed && (r.due > 0 || r.overdue > 0));

  return (
    <section className="page">
      <h1>{scopeName ? t("dashboard2.titleOf", { name: scopeName }) : t("dashboard.title")}</h1>
      <CyclePicker current={cycleId} to="dashboard" />
      <div className="filters" role="group" aria-label={t("dashboard2.filters.label")}>
        <div className="field inline">
          <label htmlFor="dashboard-unit">{t("tree.unit")}</label>
          <select id="dashboard-unit" data-testid="dashboard-unit" value={orgUnitId ?? ""} onChange={(e) => choose("org_unit_id", e.target.value)}>
            <option value="">{t("dashboard2.filters.company")}</option>
            {(units.data ?? []).map((u) => (
              <option key={u.org_unit_id} value={u.org_unit_id}>
                {u.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field inline">
          <label htmlFor="dashboard-person">{t("dashboard2.filters.person")}</label>
          <select id="dashboard-person" data-testid="dashboard-person" value={personId ?? ""} onChange={(e) => choose("person_id", e.target.value)}>
            <option value="">{t("dashboard2.filters.noPerson")}</option>
            {(people.data ?? []).map((p) => (
              <option key={p.person_id} value={p.person_id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      {(tree.isPending || objectives.isPending) && <Loading />}
      {tree.isError && <ErrorView error={tree.error} />}
      {objectives.isError && <ErrorView error={objectives.error} />}
      {empty && <Empty message={t("tree.empty")} />}
      {ready && !empty && (
        <div className="dashboard-grid">
          <div className="card kpi">
            <h2>{scopeName ? t("dashboard2.scopeProgress") : t("dashboard.company")}</h2>
            <p className="kpi-value" data-testid="dashboard-company-progress" aria-live="polite">
              {formatPercent(scopeProgress(scope, tree.data.roots, scoped), lang, 1)}
            </p>
          </div>
          {!personId && (
            <div className="card">
              <h2>{t("dashboard.units")}</h2>
              {subUnits.length === 0 && <Empty message={t("dashboard2.noUnits")} />}
              <ul className="unit-list">
                {subUnits.map((n) => (
                  <li key={n.objective_id}>
                    <Link to={`/objectives/${encodeURIComponent(n.objective_id)}`}>{n.title}</Link>
                    <ProgressBar value={n.rollup_progress} testId={`dashboard-unit-${n.objective_id}`} />
                  </li>
                ))}
              </ul>
            </div>
          )}
          <div className="card">
            <h2>{t("dashboard.distribution")}</h2>
            <Chart still option={distribution} testId="chart-distribution" label={t("dashboard.distributionLabel")} />
          </div>
          <div className="card">
            <h2>{t("dashboard.confidence")}</h2>
            <Chart still option={confidence} testId="chart-confidence" label={t("dashboard.confidenceLabel")} />
          </div>
          <div className="card wide">
            <h2>{t("dashboard2.trend")}</h2>
            <p className="hint">{t("dashboard2.trendSource")}</p>
            {historiesFailed !== undefined && <ErrorView error={historiesFailed} />}
            {!historiesReady && historiesFailed === undefined && <Loading />}
            {historiesReady && trend.length === 0 && <Empty message={t("dashboard2.noTrend")} />}
            {historiesReady && trend.length > 0 && (
              <Chart still option={trendOption} testId="chart-trend" label={t("dashboard2.trendLabel")} />
            )}
          </div>
          <div className="card">
            <h2>{t("dashboard2.offTrack")}</h2>
            {offTrack.length === 0 && <Empty message={t("dashboard2.noOffTrack")} />}
            <RiskList items={offTrack} testId="off-track-list" />
          </div>
          <div className="card">
            <h2>{t("dashboard2.atRisk")}</h2>
            {atRisk.length === 0 && <Empty message={t("dashboard.noRisk")} />}
            <RiskList items={atRisk} testId="at-risk-list" />
          </div>
          <div className="card wide">
            <h2>{t("dashboard2.freshness")}</h2>
            <p className="hint">{t("dashboard2.freshnessSource")}</p>
            {(people.isPending || dueLoading) && <Loading />}
            {people.isError && <ErrorView error={people.error} />}
            {!dueLoading && inScope.length === 0 && <Empty message={t("dashboard2.noPeople")} />}
            {!dueLoading && inScope.length > 0 && silent.length === 0 && (
              <Empty message={t("dashboard2.allFresh")} />
            )}
            {silent.length > 0 && (
              <Chart still option={freshOption} testId="chart-freshness" label={t("dashboard2.freshnessLabel")} height={Math.max(160, fresh.length * 36 + 60)} />
            )}
            <ul className="freshness-list" data-testid="freshness-list">
              {fresh.map((row) => (
                <li key={row.person.person_id} data-testid={`fresh-${row.person.person_id}`} data-due={row.due} data-overdue={row.overdue}>
                  <Link to={`/dashboard/${encodeURIComponent(cycleId ?? "")}?person_id=${encodeURIComponent(row.person.person_id)}`}>
                    {row.person.name}
                  </Link>{" "}
                  {!row.allowed ? (
                    <span className="badge badge-none">{t("dashboard2.notAllowed")}</span>
                  ) : row.overdue + row.due === 0 ? (
                    <span className="badge badge-on_track">{t("dashboard2.upToDate")}</span>
                  ) : (
                    <>
                      {row.overdue > 0 && <span className="badge badge-off_track">{t("dashboard2.overdueCount", { count: row.overdue })}</span>}{" "}
                      {row.due > 0 && <span className="badge badge-at_risk">{t("dashboard2.dueCount", { count: row.due })}</span>}
                    </>
                  )}{" "}
                  <span className="hint">
                    {row.lastCheckIn
                      ? t("dashboard2.lastCheckIn", { date: formatDate(row.lastCheckIn, lang) })
                      : row.keyResults > 0
                        ? t("dashboard2.neverCheckedIn")
                        : t("dashboard2.noKeyResults")}
                  </span>
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
    </section>
  );
}

function RiskList({
  items,
  testId,
}: {
  items: ReturnType<typeof byConfidence>;
  testId: string;
}) {
  return (
    <ul className="risk-list" data-testid={testId}>
      {items.map(({ objective, kr }) => (
        <li key={kr.key_result_id} data-confidence={kr.confidence ?? undefined}>
          <ConfidenceBadge band={kr.confidence_band} confidence={kr.confidence} />{" "}
          <Link to={`/objectives/${encodeURIComponent(objective.objective_id)}`}>{kr.title}</Link>
          <span className="risk-objective">{objective.title}</span>
        </li>
      ))}
    </ul>
  );
}
