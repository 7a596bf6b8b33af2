import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams, useSearchParams } from "react-router";
import { Chart } from "../components/Chart";
import { COLORS } from "../components/colors";
import { ProgressBar } from "../components/Progress";
import { Empty, ErrorView, Loading } from "../components/States";
import { formatPercent } from "../lib/format";
import { useOrgUnits, usePeople } from "../lib/directory";
import { useScopeObjectives } from "../lib/objectiveQueries";
import { useCycleObjectives, useProjectedTree } from "../lib/queries";
import { facets, pruneTree, type Marked } from "../lib/scope";
import { distinct } from "../lib/tree";
import type { ProjectedTreeNode } from "../lib/types";
import { CyclePicker } from "./CyclePicker";

type Shown = Marked<ProjectedTreeNode>;

function TreeNode({ node, path, ownerName }: { node: Shown; path: string; ownerName: (id: string) => string }) {
  const { t } = useTranslation();
  const id = node.objective_id;
  return (
    <li
      className={node.match ? "tree-node" : "tree-node tree-context"}
      data-testid={`tree-node-${id}`}
      data-path={path}
      data-match={node.match ? "true" : "false"}
    >
      <div className="tree-row">
        <Link to={`/objectives/${encodeURIComponent(id)}`} className="tree-title">
          {node.title ?? id}
        </Link>
        <span className="level">{t(`level.${node.level}`, { defaultValue: "" })}</span>
        <span className="tree-owner">{node.owner ? ownerName(node.owner.id) : ""}</span>
        <span className="tree-figure">
          <span className="figure-label">{t("tree.own")}</span>
          <ProgressBar value={node.progress} testId={`node-progress-${id}`} />
        </span>
        <span className="tree-figure">
          <span className="figure-label">{t("tree.rollup")}</span>
          <ProgressBar value={node.rollup_progress} testId={`node-rollup-${id}`} />
        </span>
      </div>
      {node.children.length > 0 && (
        <ul className="tree-children">
          {node.children.map((child) => (
            <TreeNode
              key={`${path}/${child.objective_id}`}
              node={child}
              path={`${path}/${child.objective_id}`}
              ownerName={ownerName}
            />
          ))}
        </ul>
      )}
    </li>
  );
}

const FILTERS = ["unit", "person", "tag", "status"] as const;
type Filter = (typeof FILTERS)[number];

export function Tree() {
  const { t, i18n } = useTranslation();
  const { cycleId } = useParams();
  const [search, setSearch] = useSearchParams();
  const unit = search.get("unit") ?? undefined;
  const person = search.get("person") ?? undefined;
  const tag = search.get("tag") ?? undefined;
  const status = search.get("status") ?? undefined;
  const whole = useProjectedTree(cycleId);
  const tree = useProjectedTree(cycleId, undefined, unit);
  const directoryUnits = useOrgUnits();
  const people = usePeople();
  const cycleObjectives = useCycleObjectives(cycleId);
  const involved = useScopeObjectives(cycleId, { personId: person });
  const unitNames = useMemo(
    () => new Map((directoryUnits.data ?? []).map((u) => [u.org_unit_id, u.name])),
    [directoryUnits.data],
  );
  const personNames = useMemo(
    () => new Map((people.data ?? []).map((p) => [p.person_id, p.name])),
    [people.data],
  );
  const ownerName = (id: string) => personNames.get(id) ?? unitNames.get(id) ?? id;
  const units = useMemo(() => {
    if (directoryUnits.data && directoryUnits.data.length > 0) return directoryUnits.data.map((u) => u.org_unit_id);
    return [
      ...new Set(
        distinct(whole.data?.roots ?? [])
          .filter((n) => n.owner?.type === "org_unit")
          .map((n) => n.owner!.id),
      ),
    ];
  }, [whole.data, directoryUnits.data]);
  const { tags, statuses } = useMemo(() => facets(cycleObjectives.data ?? []), [cycleObjectives.data]);
  const byId = useMemo(
    () => new Map((cycleObjectives.data ?? []).map((o) => [o.objective_id, o as typeof o & { tags?: string[] }])),
    [cycleObjectives.data],
  );
  const involvedIds = useMemo(
    () => (person && involved.data ? new Set(involved.data.map((o) => o.objective_id)) : null),
    [person, involved.data],
  );
  const shown = useMemo(
    () =>
      pruneTree(tree.data?.roots ?? [], (node) => {
        const doc = byId.get(node.objective_id);
        if (involvedIds && !involvedIds.has(node.objective_id)) return false;
        if (tag && !(doc?.tags ?? []).includes(tag)) return false;
        if (status && doc?.status !== status) return false;
        return true;
      }),
    [tree.data, byId, involvedIds, tag, status],
  );
  const filtering = Boolean(person || tag || status);
  const waiting = tree.isPending || (person !== undefined && involved.isPending) || ((tag || status) && cycleObjectives.isPending);

  const choose = (filter: Filter, value: string) => {
    const next = new URLSearchParams(search);
    if (value) next.set(filter, value);
    else next.delete(filter);
    setSearch(next, { replace: true });
  };

  const option = useMemo(() => {
    const rows = distinct(shown).filter((n) => n.match).reverse();
    const label = (node: Shown) => (node.title ?? node.objective_id).slice(0, 40);
    const labelWidth = Math.min(220, Math.round(window.innerWidth * 0.3));
    return {
      aria: { enabled: true },
      tooltip: { trigger: "axis", valueFormatter: (v: number) => formatPercent(v / 100, i18n.language) },
      legend: { top: 0, data: [t("tree.own"), t("tree.rollup")], textStyle: { color: COLORS.text } },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%", color: COLORS.text } },
      yAxis: {
        type: "category",
        data: rows.map(label),
        axisLabel: { color: COLORS.text, width: labelWidth, overflow: "truncate" },
      },
      series: [
        {
          name: t("tree.own"),
          type: "bar",
          itemStyle: { color: COLORS.own },
          data: rows.map((r) => Math.round((r.progress ?? 0) * 100)),
        },
        {
          name: t("tree.rollup"),
          type: "bar",
          itemStyle: { color: COLORS.primary },
          data: rows.map((r) => Math.round((r.rollup_progress ?? 0) * 100)),
        },
      ],
    };
  }, [shown, t, i18n.language]);

  const count = distinct(shown).filter((n) => n.match).length;
  return (
    <section className="page">
      <h1>{t("tree.title")}</h1>
      <CyclePicker current={cycleId} to="tree" />
      <div className="filters" role="group" aria-label={t("dashboard2.filters.label")}>
        {units.length > 0 && (
          <div className="field inline">
            <label htmlFor="tree-unit">{t("tree.unit")}</label>
            <select id="tree-unit" data-testid="tree-unit" value={unit ?? ""} onChange={(e) => choose("unit", e.target.value)}>
              <option value="">{t("tree.allUnits")}</option>
              {units.map((id) => (
                <option key={id} value={id}>
                  {unitNames.get(id) ?? id}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="field inline">
          <label htmlFor="tree-person">{t("dashboard2.filters.person")}</label>
          <select id="tree-person" data-testid="tree-person" value={person ?? ""} onChange={(e) => choose("person", e.target.value)}>
            <option value="">{t("dashboard2.filters.everyone")}</option>
            {(people.data ?? []).map((p) => (
              <option key={p.person_id} value={p.person_id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field inline">
          <label htmlFor="tree-tag">{t("dashboard2.filters.tag")}</label>
          <select id="tree-tag" data-testid="tree-tag" value={tag ?? ""} onChange={(e) => choose("tag", e.target.value)}>
            <option value="">{tags.length === 0 ? t("dashboard2.filters.noTags") : t("dashboard2.filters.anyTag")}</option>
            {tags.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div className="field inline">
          <label htmlFor="tree-status">{t("dashboard2.filters.status")}</label>
          <select id="tree-status" data-testid="tree-status" value={status ?? ""} onChange={(e) => choose("status", e.target.value)}>
            <option value="">{t("dashboard2.filters.anyStatus")}</option>
            {statuses.map((name) => (
              <option key={name} value={name}>
                {t(`status.${name}`, { defaultValue: name })}
              </option>
            ))}
          </select>
        </div>
      </div>
      {involved.isError && <ErrorView error={involved.error} />}
      {waiting && <Loading />}
      {tree.isError && <ErrorView error={tree.error} />}
      {!waiting && tree.isSuccess && tree.data.roots.length === 0 && <Empty message={t("tree.empty")} />}
      {!waiting && tree.isSuccess && tree.data.roots.length > 0 && shown.length === 0 && filtering && (
        <Empty message={t("dashboard2.filters.noMatch")} />
      )}
      {!waiting && shown.length > 0 && (
        <div className="tree-layout">
          <ul className="tree" aria-label={t("tree.title")}>
            {shown.map((root) => (
              <TreeNode key={root.objective_id} node={root} path={root.objective_id} ownerName={ownerName} />
            ))}
          </ul>
          <Chart
            option={option}
            testId="chart-progress"
            label={t("tree.chartLabel")}
            height={Math.max(240, count * 44 + 60)}
          />
        </div>
      )}
    </section>
  );
}
