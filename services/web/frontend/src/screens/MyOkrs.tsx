import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { ConfidenceBadge, ProgressBar } from "../components/Progress";
import { Empty, ErrorView, Loading } from "../components/States";
import { loadDraft } from "../lib/drafts";
import { formatDate, formatNumber } from "../lib/format";
import { useSession } from "../lib/hooks";
import { pickActiveCycle, useCycles, useDue, useMyObjectives } from "../lib/queries";
import type { KeyResultProgress, ObjectiveProgress } from "../lib/types";
import { CheckInForm, draftKey } from "./CheckInForm";
import { CorrectionForm } from "./CorrectionForm";

function currentValue(kr: KeyResultProgress, t: (k: string) => string, lang: string): string {
  if (kr.current === null || kr.current === undefined) return t("kr.noValue");
  if (typeof kr.current === "boolean") return kr.current ? t("checkin.done") : t("checkin.notDone");
  const target = kr.target === null || kr.target === undefined ? "" : ` / ${formatNumber(kr.target, lang)}`;
  return `${formatNumber(kr.current, lang)}${target}${kr.unit ? ` ${kr.unit}` : ""}`;
}

function KeyResultRow({ kr, mine }: { kr: KeyResultProgress; mine: boolean }) {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState(() => loadDraft(draftKey(kr.key_result_id)) !== null);
  const [correcting, setCorrecting] = useState(false);
  const id = kr.key_result_id;
  return (
    <li
      className="kr"
      data-testid={`kr-${id}`}
      data-kind={kr.kind ?? undefined}
      data-current={typeof kr.current === "number" ? kr.current : undefined}
      data-start={kr.start ?? undefined}
      data-target={kr.target ?? undefined}
    >
      <div className="kr-head">
        <span className="kr-title">{kr.title}</span>
        <ProgressBar value={kr.progress} testId={`kr-progress-${id}`} />
      </div>
      <div className="kr-meta">
        <span>{currentValue(kr, t, i18n.language)}</span>
        <ConfidenceBadge band={kr.confidence_band} confidence={kr.confidence} />
        {kr.confidence_trend && <span>{t(`trend.${kr.confidence_trend}`, { defaultValue: "" })}</span>}
        {mine && !open && !correcting && (
          <button type="button" data-testid={`checkin-open-${id}`} onClick={() => setOpen(true)}>
            {t("checkin.open")}
          </button>
        )}
        {mine && kr.checked_in && !open && !correcting && (
          <button type="button" data-testid={`correct-open-${id}`} onClick={() => setCorrecting(true)}>
            {t("objective2.correct")}
          </button>
        )}
      </div>
      {open && <CheckInForm keyResult={kr} onClose={() => setOpen(false)} />}
      {correcting && <CorrectionForm keyResultId={id} kind={kr.kind} onClose={() => setCorrecting(false)} />}
    </li>
  );
}

function ObjectiveCard({ objective, me }: { objective: ObjectiveProgress; me: string }) {
  const { t } = useTranslation();
  const ownsObjective = objective.owner_type === "person" && objective.owner_id === me;
  return (
    <article className="card" data-testid={`objective-${objective.objective_id}`}>
      <header className="card-head">
        <h3>
          <Link to={`/objectives/${encodeURIComponent(objective.objective_id)}`}>{objective.title}</Link>
        </h3>
        <span className="level">{t(`level.${objective.level}`, { defaultValue: "" })}</span>
        <ProgressBar value={objective.progress} />
      </header>
      {objective.key_results.length === 0 ? (
        <Empty message={t("kr.none")} />
      ) : (
        <ul className="kr-list">
          {objective.key_results.map((kr) => (
            <KeyResultRow key={kr.key_result_id} kr={kr} mine={ownsObjective || kr.owner_id === me} />
          ))}
        </ul>
      )}
    </article>
  );
}

function DueList({ personId, titles }: { personId: string; titles: Map<string, string> }) {
  const { t, i18n } = useTranslation();
  const due = useDue(personId);
  if (due.isPending) return <Loading />;
  if (due.isError) return <ErrorView error={due.error} />;
  if (due.data.length === 0) return <Empty message={t("due.none")} />;
  return (
    <ul className="due-list" data-testid="due-list">
      {due.data.map((item) => (
        <li key={`${item.key_result_id}-${item.period_start}`} className={`due-${item.status}`}>
          <span className={`badge badge-${item.status === "overdue" ? "off_track" : "at_risk"}`}>
            {t(`due.${item.status}`, { defaultValue: "" })}
          </span>{" "}
          <span className="kr-title">{titles.get(item.key_result_id) ?? item.key_result_id}</span>{" "}
          {t("due.period", {
            start: formatDate(item.period_start, i18n.language),
            end: formatDate(item.period_end, i18n.language),
          })}
        </li>
      ))}
    </ul>
  );
}

export function MyOkrs() {
  const { t } = useTranslation();
  const session = useSession()!;
  const me = session.person.person_id;
  const cycles = useCycles();
  const cycle = pickActiveCycle(cycles.data);
  const objectives = useMyObjectives(me, cycle?.cycle_id);
  const titles = new Map(
    (objectives.data ?? []).flatMap((o) =>
      o.key_results.map((kr) => [kr.key_result_id, kr.title ?? kr.key_result_id] as const),
    ),
  );

  return (
    <section className="page">
      <h1>{t("my.title")}</h1>
      {cycle && <p className="subtitle">{t("my.cycle", { name: cycle.name })}</p>}
      <section aria-labelledby="due-heading">
        <h2 id="due-heading">{t("due.title")}</h2>
        <DueList personId={me} titles={titles} />
      </section>
      <section aria-labelledby="objectives-heading">
        <h2 id="objectives-heading">{t("my.objectives")}</h2>
        {cycles.isPending && <Loading />}
        {cycles.isError && <ErrorView error={cycles.error} />}
        {cycles.isSuccess && !cycle && <Empty message={t("cycle.none")} />}
        {cycle && objectives.isPending && <Loading />}
        {objectives.isError && <ErrorView error={objectives.error} />}
        {objectives.isSuccess && objectives.data.length === 0 && <Empty message={t("my.none")} />}
        {objectives.data?.map((o) => <ObjectiveCard key={o.objective_id} objective={o} me={me} />)}
      </section>
    </section>
  );
}
