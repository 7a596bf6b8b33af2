import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
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
  const tree = useProjectedTree(cycleId);

  const option = useMemo(() => {
    const rows = distinct(tree.data?.roots ?? []).reverse();
    const label = (node: ProjectedTreeNode) => (node.title ?? node.objective_id).slice(0, 40);
    return {
      aria: { enabled: true },
      tooltip: { trigger: "axis", valueFormatter: (v: number) => formatPercent(v / 100, i18n.language) },
      legend: { top: 0, data: [t("tree.own"), t("tree.rollup")], textStyle: { color: COLORS.text } },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%", color: COLORS.text } },
      yAxis: {
        type: "category",
        data: rows.map(label),
        axisLabel: { color: COLORS.text, width: 220, overflow: "truncate" },
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
