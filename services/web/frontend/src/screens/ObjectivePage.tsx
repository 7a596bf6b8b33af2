import { useMemo, useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router";
import { Chart } from "../components/Chart";
import { COLORS } from "../components/colors";
import { ConfidenceBadge, ProgressBar } from "../components/Progress";
import { Empty, ErrorView, Loading } from "../components/States";
import { api } from "../lib/api";
import { formatDate, formatDateTime, formatNumber } from "../lib/format";
import { useSession } from "../lib/hooks";
import { usePeople } from "../lib/directory";
import { useAllCheckIns, useFeedback, useObjectiveFull, useObjectiveHistory } from "../lib/objectiveQueries";
import type { CheckInKnown, Feedback, GoalsKeyResultFull, GoalsObjectiveFull, Initiative } from "../lib/objectiveTypes";
import { ApiError } from "../lib/problems";
import { useObjectiveProgress } from "../lib/queries";
import { changeLines } from "../lib/scope";
import type { KeyResultProgress } from "../lib/types";
import { CorrectionForm } from "./CorrectionForm";

type NameOf = (personId: string | null | undefined) => string;

function useNames(): NameOf {
  const people = usePeople();
  const names = useMemo(() => new Map((people.data ?? []).map((p) => [p.person_id, p.name])), [people.data]);
  return (id) => (id ? (names.get(id) ?? id) : "–");
}

function shown(value: CheckInKnown["value"], t: (k: string) => string, lang: string): string {
  if (typeof value === "boolean") return value ? t("checkin.done") : t("checkin.notDone");
  return formatNumber(value, lang);
}

function KeyResultHistory({
  kr,
  progress,
  mayCorrect,
  nameOf,
}: {
  kr: GoalsKeyResultFull;
  progress?: KeyResultProgress;
  mayCorrect: (c: CheckInKnown) => boolean;
  nameOf: NameOf;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const all = useAllCheckIns(kr.key_result_id);
  const [correcting, setCorrecting] = useState<string | null>(null);
  const live = useMemo(() => (all.data ?? []).filter((c) => !c.replaced_by), [all.data]);
  const points = useMemo(
    () =>
      [...live]
        .sort((a, b) => a.effective_at.localeCompare(b.effective_at))
        .map((c) => [c.effective_at, typeof c.value === "boolean" ? Number(c.value) : c.value]),
    [live],
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
  const ordered = useMemo(
    () => [...(all.data ?? [])].sort((a, b) => b.effective_at.localeCompare(a.effective_at) || b.recorded_at.localeCompare(a.recorded_at)),
    [all.data],
  );

  return (
    <article className="card" data-testid={`objective-kr-${kr.key_result_id}`}>
      <header className="card-head">
        <h3>{kr.title}</h3>
        <ProgressBar value={progress?.progress} />
        <ConfidenceBadge band={progress?.confidence_band} confidence={progress?.confidence} />
      </header>
      {all.isPending && <Loading />}
      {all.isError && <ErrorView error={all.error} />}
      {all.isSuccess && points.length === 0 && <Empty message={t("objective.noCheckIns")} />}
      {all.isSuccess && points.length > 0 && (
        <>
          <Chart
            option={option}
            testId={`chart-kr-${kr.key_result_id}`}
            label={t("objective.chartLabel", { title: kr.title })}
            height={220}
          />
          <details open={correcting !== null}>
            <summary>{t("objective.checkIns", { count: live.length })}</summary>
            <ul className="checkin-list" data-testid={`checkins-${kr.key_result_id}`}>
              {ordered.map((c) => (
                <li
                  key={c.check_in_id}
                  data-testid={`checkin-${c.check_in_id}`}
                  data-replaced={c.replaced_by ? "true" : "false"}
                  className={c.replaced_by ? "replaced" : undefined}
                >
                  <span className="checkin-when">{formatDateTime(c.effective_at, lang)}</span> ·{" "}
                  <span data-testid={`checkin-value-${c.check_in_id}`}>{shown(c.value, t, lang)}</span> ·{" "}
                  <ConfidenceBadge band={c.confidence_band} confidence={c.confidence} /> · {nameOf(c.actor_id)}
                  {c.replaced_by && <span className="badge badge-none">{t("objective2.replaced")}</span>}
                  {c.corrects && (
                    <p className="correction-note">{t("objective2.correctionOf", { reason: c.reason ?? "" })}</p>
                  )}
                  {c.note.progress && <p>{c.note.progress}</p>}
                  {!c.replaced_by && mayCorrect(c) && correcting === null && (
                    <button
                      type="button"
                      className="link-button"
                      data-testid={`correct-${c.check_in_id}`}
                      onClick={() => setCorrecting(c.check_in_id)}
                    >
                      {t("objective2.correct")}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          </details>
          {correcting && (
            <CorrectionForm
              keyResultId={kr.key_result_id}
              kind={kr.kind}
              initial={correcting}
              onClose={() => setCorrecting(null)}
            />
          )}
        </>
      )}
    </article>
  );
}

function Initiatives({ objective, nameOf }: { objective: GoalsObjectiveFull; nameOf: NameOf }) {
  const { t, i18n } = useTranslation();
  const titles = new Map(objective.key_results.map((kr) => [kr.key_result_id, kr.title]));
  const byKr = new Map<string, Initiative[]>();
  for (const i of objective.initiatives) byKr.set(i.key_result_id, [...(byKr.get(i.key_result_id) ?? []), i]);
  if (objective.initiatives.length === 0) return <Empty message={t("objective2.noInitiatives")} />;
  return (
    <div data-testid="initiatives">
      {[...byKr.entries()].map(([krId, items]) => (
        <section key={krId} className="card">
          <h3>{titles.get(krId) ?? krId}</h3>
          <ul className="initiative-list">
            {items.map((i) => (
              <li key={i.initiative_id} data-testid={`initiative-${i.initiative_id}`}>
                <span className="kr-title">{i.title}</span>{" "}
                <span className={`badge badge-initiative-${i.status}`}>{t(`objective2.initiativeStatus.${i.status}`)}</span>{" "}
                <span>{nameOf(i.owner_id)}</span>
                {i.due_on && <span> · {t("objective2.dueOn", { date: formatDate(i.due_on, i18n.language) })}</span>}
                {i.deliverable && <p>{i.deliverable}</p>}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

const KINDS = ["praise", "suggestion", "concern"] as const;

function FeedbackThread({ objective, nameOf }: { objective: GoalsObjectiveFull; nameOf: NameOf }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const feedback = useFeedback(objective.objective_id);
  const [kind, setKind] = useState<(typeof KINDS)[number]>("praise");
  const [text, setText] = useState("");
  const [krId, setKrId] = useState("");
  const give = useMutation({
    mutationFn: () =>
      api.post<Feedback>("checkins", `/v1/objectives/${encodeURIComponent(objective.objective_id)}/feedback`, {
        kind,
        text,
        ...(krId ? { key_result_id: krId } : {}),
      }),
    onSuccess: () => {
      setText("");
      void queryClient.invalidateQueries({ queryKey: ["feedback", objective.objective_id] });
    },
  });
  const errors = give.error instanceof ApiError ? give.error.fields : {};
  const titles = new Map(objective.key_results.map((kr) => [kr.key_result_id, kr.title]));
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    give.mutate();
  };
  const items = [...(feedback.data ?? [])].sort((a, b) => (a.given_at ?? "").localeCompare(b.given_at ?? ""));
  return (
    <>
      {feedback.isPending && <Loading />}
      {feedback.isError && <ErrorView error={feedback.error} />}
      {feedback.isSuccess && items.length === 0 && <Empty message={t("objective2.noFeedback")} />}
      {items.length > 0 && (
        <ol className="feedback-list" data-testid="feedback-list">
          {items.map((f) => (
            <li key={f.feedback_id} data-testid={`feedback-${f.feedback_id}`}>
              <span className={`badge badge-feedback-${f.kind}`}>{t(`objective2.feedbackKind.${f.kind}`)}</span>{" "}
              <strong>{nameOf(f.author_id)}</strong> · {formatDateTime(f.given_at, i18n.language)}
              {f.key_result_id && <span> · {titles.get(f.key_result_id) ?? f.key_result_id}</span>}
              <p>{f.text}</p>
            </li>
          ))}
        </ol>
      )}
      <form className="checkin-form" onSubmit={onSubmit} noValidate aria-label={t("objective2.giveFeedback")}>
        {give.error && (
          <div role="alert" className="form-error" data-testid="feedback-error">
            {give.error instanceof ApiError ? give.error.message : t("state.error")}
          </div>
        )}
        <div className="field">
          <label htmlFor="feedback-kind">{t("objective2.feedbackKindLabel")}</label>
          <select id="feedback-kind" data-testid="feedback-kind" value={kind} onChange={(e) => setKind(e.target.value as (typeof KINDS)[number])}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`objective2.feedbackKind.${k}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="feedback-kr">{t("objective2.feedbackOn")}</label>
          <select id="feedback-kr" data-testid="feedback-kr" value={krId} onChange={(e) => setKrId(e.target.value)}>
            <option value="">{t("objective2.wholeObjective")}</option>
            {objective.key_results.map((kr) => (
              <option key={kr.key_result_id} value={kr.key_result_id}>
                {kr.title}
              </option>
            ))}
          </select>
          {errors.key_result_id && (
            <span className="field-error" data-testid="error-key_result_id">
              {errors.key_result_id}
            </span>
          )}
        </div>
        <div className="field">
          <label htmlFor="feedback-text">{t("objective2.feedbackText")}</label>
          <textarea
            id="feedback-text"
            data-testid="feedback-text"
            rows={2}
            value={text}
            aria-invalid={Boolean(errors.text)}
            aria-describedby={errors.text ? "feedback-text-error" : undefined}
            className={errors.text ? "invalid" : undefined}
            onChange={(e) => setText(e.target.value)}
          />
          {errors.text && (
            <span className="field-error" id="feedback-text-error" data-testid="error-text">
              {errors.text}
            </span>
          )}
        </div>
        <div className="form-actions">
          <button type="submit" className="primary" data-testid="feedback-submit" disabled={give.isPending}>
            {t("objective2.send")}
          </button>
        </div>
      </form>
    </>
  );
}

function HistoryList({ objectiveId, nameOf }: { objectiveId: string; nameOf: NameOf }) {
  const { t, i18n } = useTranslation();
  const history = useObjectiveHistory(objectiveId);
  if (history.isPending) return <Loading />;
  if (history.isError) return <ErrorView error={history.error} />;
  if (history.data.length === 0) return <Empty message={t("objective2.noHistory")} />;
  return (
    <ul className="history-list" data-testid="objective-history">
      {[...history.data].reverse().map((entry) => {
        const lines = changeLines(entry.changes);
        return (
          <li key={entry.version} data-testid={`history-entry-${entry.version}`} data-event={entry.event}>
            <strong>{t(`objective2.event.${entry.event}`, { defaultValue: entry.event })}</strong> ·{" "}
            {t("history.version", { version: entry.version })} · {formatDateTime(entry.recorded_at, i18n.language)} ·{" "}
            <span data-testid={`history-actor-${entry.version}`}>{nameOf(entry.actor_id)}</span>
            {entry.correction && <span className="badge badge-at_risk">{t("objective2.correctionFlag")}</span>}
            <p>{entry.reason ? t("objective2.why", { reason: entry.reason }) : t("objective2.noReason")}</p>
            {lines.length > 0 && (
              <details>
                <summary>{t("objective2.whatChanged", { count: lines.length })}</summary>
                <ul className="change-lines">
                  {lines.map((line) => (
                    <li key={line}>
                      <code>{line}</code>
                    </li>
                  ))}
                </ul>
              </details>
            )}
          </li>
        );
      })}
    </ul>
  );
}

export function ObjectivePage() {
  const { t } = useTranslation();
  const { objectiveId = "" } = useParams();
  const session = useSession();
  const me = session?.person.person_id ?? "";
  const objective = useObjectiveFull(objectiveId);
  const progress = useObjectiveProgress(objectiveId);
  const nameOf = useNames();

  if (objective.isPending) return <Loading />;
  if (objective.isError) return <ErrorView error={objective.error} />;
  const o = objective.data;
  const krProgress = new Map(
    (progress.data?.key_results ?? []).map((kr) => [kr.key_result_id, kr]),
  );
  const owns = o.owner_type === "person" && o.owner_id === me;
  return (
    <section className="page">
      <h1>{o.title}</h1>
      <p className="subtitle">
        {t(`level.${o.level}`, { defaultValue: "" })} · {o.owner_type === "person" ? nameOf(o.owner_id) : o.owner_id} ·{" "}
        {t(`status.${o.status}`, { defaultValue: o.status })}
        {o.tags.length > 0 && <> · {o.tags.join(", ")}</>}
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
        <KeyResultHistory
          key={kr.key_result_id}
          kr={kr}
          progress={krProgress.get(kr.key_result_id)}
          mayCorrect={(c) => owns || kr.owner_id === me || c.actor_id === me}
          nameOf={nameOf}
        />
      ))}
      <section aria-labelledby="initiatives-heading">
        <h2 id="initiatives-heading">{t("objective2.initiatives")}</h2>
        <Initiatives objective={o} nameOf={nameOf} />
      </section>
      <section aria-labelledby="feedback-heading">
        <h2 id="feedback-heading">{t("objective2.feedback")}</h2>
        <FeedbackThread objective={o} nameOf={nameOf} />
      </section>
      <section aria-labelledby="history-heading">
        <h2 id="history-heading">{t("objective2.history")}</h2>
        <HistoryList objectiveId={o.objective_id} nameOf={nameOf} />
      </section>
    </section>
  );
}
