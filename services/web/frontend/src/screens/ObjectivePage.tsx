import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router";
import { Chart } from "../components/Chart";
import { COLORS } from "../components/colors";
import { ConfidenceBadge, ProgressBar } from "../components/Progress";
import { Empty, ErrorView, Loading } from "../components/States";
import { formatDateTime, formatNumber } from "../lib/format";
import { useCheckIns, useObjective, useObjectiveProgress } from "../lib/queries";
import type { GoalsKeyResult, KeyResultProgress } from "../lib/types";

function KeyResultHistory({ kr, progress }: { kr: GoalsKeyResult; progress?: KeyResultProgress }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const checkIns = useCheckIns(kr.key_result_id);
  const points = useMemo(
    () =>
      [...(checkIns.data ?? [])]
        .sort((a, b) => a.effective_at.localeCompare(b.effective_at))
        .map((c) => [c.effective_at, typeof c.value === "boolean" ? Number(c.value) : c.value]),
    [checkIns.data],
  );
  const option = useMemo(
    () => ({
      aria: { enabled: true },
      tooltip: {
        trigger: "axis",
        valueFormatter: (v: number) => formatNumber(v, lang),
      },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: {
        type: "time",
        axisLabel: {
          color: COLORS.text,
          hideOverlap: true,
          formatter: (v: number) =>
            new Intl.DateTimeFormat(lang === "zh" ? "zh-CN" : "en-GB", {
              month: "short",
              day: "numeric",
            }).format(new Date(v)),
        },
      },
      yAxis: { type: "value", scale: true, axisLabel: { color: COLORS.text } },
      series: [
        {
          name: kr.title,
          type: "line",
          showSymbol: true,
          symbolSize: 7,
          step: kr.kind === "milestone" ? "end" : undefined,
          itemStyle: { color: COLORS.primary },
          data: points,
        },
      ],
    }),
    [points, kr, lang],
  );

  return (
    <article className="card" data-testid={`objective-kr-${kr.key_result_id}`}>
      <header className="card-head">
        <h3>{kr.title}</h3>
        <ProgressBar value={progress?.progress} />
        <ConfidenceBadge band={progress?.confidence_band} confidence={progress?.confidence} />
      </header>
      {checkIns.isPending && <Loading />}
      {checkIns.isError && <ErrorView error={checkIns.error} />}
      {checkIns.isSuccess && points.length === 0 && <Empty message={t("objective.noCheckIns")} />}
      {checkIns.isSuccess && points.length > 0 && (
        <>
          <Chart
            option={option}
            testId={`chart-kr-${kr.key_result_id}`}
            label={t("objective.chartLabel", { title: kr.title })}
            height={220}
          />
          <details>
            <summary>{t("objective.checkIns", { count: checkIns.data.length })}</summary>
            <ul className="checkin-list">
              {checkIns.data.map((c) => (
                <li key={c.check_in_id}>
                  {formatDateTime(c.effective_at, lang)} · {String(c.value)} ·{" "}
                  <ConfidenceBadge band={c.confidence_band} confidence={c.confidence} />
                  {c.note.progress && <p>{c.note.progress}</p>}
                </li>
              ))}
            </ul>
          </details>
        </>
      )}
    </article>
  );
}

export function ObjectivePage() {
  const { t } = useTranslation();
  const { objectiveId = "" } = useParams();
  const objective = useObjective(objectiveId);
  const progress = useObjectiveProgress(objectiveId);

  if (objective.isPending) return <Loading />;
  if (objective.isError) return <ErrorView error={objective.error} />;
  const o = objective.data;
  const krProgress = new Map(
    (progress.data?.key_results ?? []).map((kr) => [kr.key_result_id, kr]),
  );
  return (
    <section className="page">
      <h1>{o.title}</h1>
      <p className="subtitle">
        {t(`level.${o.level}`, { defaultValue: "" })} · {o.owner_id} ·{" "}
        {t(`status.${o.status}`, { defaultValue: o.status })}
      </p>
      {o.description && <p>{o.description}</p>}
      <div className="objective-summary">
        <span>{t("tree.own")}</span>
        <ProgressBar value={progress.data?.progress} testId="objective-progress" />
        <span>{t("tree.rollup")}</span>
        <ProgressBar value={progress.data?.rollup_progress} testId="objective-rollup" />
      </div>
      <h2>{t("objective.keyResults")}</h2>
      {o.key_results.length === 0 && <Empty message={t("kr.none")} />}
      {o.key_results.map((kr) => (
        <KeyResultHistory key={kr.key_result_id} kr={kr} progress={krProgress.get(kr.key_result_id)} />
      ))}
    </section>
  );
}
