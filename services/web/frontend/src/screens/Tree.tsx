import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams, useSearchParams } from "react-router";
import { Chart } from "../components/Chart";
import { COLORS } from "../components/colors";
import { ProgressBar } from "../components/Progress";
import { Empty, ErrorView, Loading } from "../components/States";
import { formatPercent } from "../lib/format";
import { useProjectedTree } from "../lib/queries";
import { distinct } from "../lib/tree";
import type { ProjectedTreeNode } from "../lib/types";
import { CyclePicker } from "./CyclePicker";

function TreeNode({ node, path }: { node: ProjectedTreeNode; path: string }) {
  const { t } = useTranslation();
  const id = node.objective_id;
  return (
    <li className="tree-node" data-testid={`tree-node-${id}`} data-path={path}>
      <div className="tree-row">
        <Link to={`/objectives/${encodeURIComponent(id)}`} className="tree-title">
          {node.title ?? id}
        </Link>
        <span className="level">{t(`level.${node.level}`, { defaultValue: "" })}</span>
        <span className="tree-owner">{node.owner?.id}</span>
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
            <TreeNode key={`${path}/${child.objective_id}`} node={child} path={`${path}/${child.objective_id}`} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function Tree() {
  const { t, i18n } = useTranslation();
  const { cycleId } = useParams();
  const [search, setSearch] = useSearchParams();
  const unit = search.get("unit") ?? undefined;
  const whole = useProjectedTree(cycleId);
  const tree = useProjectedTree(cycleId, undefined, unit);
  const units = useMemo(
    () => [
      ...new Set(
        distinct(whole.data?.roots ?? [])
          .filter((n) => n.owner?.type === "org_unit")
          .map((n) => n.owner!.id),
      ),
    ],
    [whole.data],
  );

  const option = useMemo(() => {
    const rows = distinct(tree.data?.roots ?? []).reverse();
    const label = (node: ProjectedTreeNode) => (node.title ?? node.objective_id).slice(0, 40);
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
  }, [tree.data, t, i18n.language]);

  const count = distinct(tree.data?.roots ?? []).length;
  return (
    <section className="page">
      <h1>{t("tree.title")}</h1>
      <CyclePicker current={cycleId} to="tree" />
      {units.length > 0 && (
        <div className="field inline">
          <label htmlFor="tree-unit">{t("tree.unit")}</label>
          <select
            id="tree-unit"
            data-testid="tree-unit"
            value={unit ?? ""}
            onChange={(e) => setSearch(e.target.value ? { unit: e.target.value } : {}, { replace: true })}
          >
            <option value="">{t("tree.allUnits")}</option>
            {units.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </div>
      )}
      {tree.isPending && <Loading />}
      {tree.isError && <ErrorView error={tree.error} />}
      {tree.isSuccess && tree.data.roots.length === 0 && <Empty message={t("tree.empty")} />}
      {tree.isSuccess && tree.data.roots.length > 0 && (
        <div className="tree-layout">
          <ul className="tree" aria-label={t("tree.title")}>
            {tree.data.roots.map((root) => (
              <TreeNode key={root.objective_id} node={root} path={root.objective_id} />
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
