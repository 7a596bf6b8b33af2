import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, Navigate, useParams } from "react-router";
import { Chart } from "../components/Chart";
import { Empty, ErrorView, Loading } from "../components/States";
import { formatDateTime, formatNumber, formatPercent } from "../lib/format";
import {
  bandClass,
  bandLabel,
  calibrationCharts,
  mayManagerScore,
  maySelfScore,
  type Directory,
} from "../lib/grading";
import { useOrgUnits, usePeople } from "../lib/directory";
import { useCalibration, useRetrospectives, useReviews, useScoringRules } from "../lib/gradingQueries";
import type { Band, KeyResultReview, Retrospective, Review } from "../lib/gradingTypes";
import { useSession } from "../lib/hooks";
import { ApiError } from "../lib/problems";
import { useCycleObjectives, useCycles } from "../lib/queries";
import type { Cycle, ObjectiveProgress } from "../lib/types";
import { CyclePicker } from "./CyclePicker";
import { RetrospectiveForm } from "./RetrospectiveForm";
import { ScoreForm, type ScoreKind } from "./ScoreForm";
import "./grading.css";

/** The cycle grading is about: one in grading, else the latest closed one, else the latest. */
export function gradingCycle(cycles: Cycle[]): Cycle | undefined {
  const latest = [...cycles].sort((a, b) => b.starts_on.localeCompare(a.starts_on));
  return (
    latest.find((c) => c.state === "grading") ??
    latest.find((c) => c.state === "closed") ??
    latest[0]
  );
}

/** `/grading` opens the cycle being graded (else the last one graded). */
export function GradingIndex() {
  const { t } = useTranslation();
  const cycles = useCycles();
  if (cycles.isPending) return <Loading />;
  if (cycles.isError) return <ErrorView error={cycles.error} />;
  const cycle = gradingCycle(cycles.data);
  if (!cycle) return <Empty message={t("cycle.none")} />;
  return <Navigate to={`/grading/${encodeURIComponent(cycle.cycle_id)}`} replace />;
}

export function BandBadge({ band, testId }: { band: Band; testId?: string }) {
  const { i18n } = useTranslation();
  return (
    <span className={`badge ${bandClass(band.color)}`} data-testid={testId} data-color={band.color}>
      {bandLabel(band, i18n.language)}
    </span>
  );
}

const LEADING_ROLES = ["leader", "admin", "auditor"];
/** While a cycle grades, its reviews are read again this often. */
const REVIEWS_POLL_MS = 5_000;

function KeyResultRow({
  review,
  kr,
  objective,
  directory,
  open,
  nameOf,
}: {
  review: Review;
  kr: KeyResultReview;
  objective: ObjectiveProgress | undefined;
  directory: Directory;
  open: boolean;
  nameOf: (id: string) => string;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const session = useSession()!;
  const rules = useScoringRules(review.rule_version);
  const [form, setForm] = useState<ScoreKind | null>(null);
  const openers = useRef<Partial<Record<ScoreKind, HTMLButtonElement | null>>>({});
  const closed = useRef<ScoreKind | null>(null);
  // A closed form gives the focus back to the button that opened it.
  useEffect(() => {
    if (form || !closed.current) return;
    openers.current[closed.current]?.focus();
    closed.current = null;
  }, [form]);
  const closeForm = () => {
    closed.current = form;
    setForm(null);
  };
  const me = directory.people.find((p) => p.person_id === session.person.person_id) ?? {
    person_id: session.person.person_id,
    name: session.person.name ?? session.person.person_id,
    manager_id: null,
    org_unit_id: session.person.org_unit_id,
    active: true,
  };
  const goal = objective ?? { owner_type: null, owner_id: null, org_unit_id: null };
  const canSelf = open && maySelfScore(me, goal, kr, directory);
  const canManager = open && mayManagerScore(me, goal, kr, directory);
  const id = kr.key_result_id;

  return (
    <li className="kr" data-testid={`review-kr-${id}`}>
      <div className="kr-head">
        <span className="kr-title">{kr.title}</span>
        <BandBadge band={kr.band} testId={`kr-band-${id}`} />
      </div>
      <dl className="score-pair">
        <div>
          <dt>{t("grading.suggested")}</dt>
          <dd data-testid={`kr-suggested-${id}`}>{formatNumber(kr.suggested_score, lang)}</dd>
        </div>
        <div>
          <dt>{t("grading.standing")}</dt>
          <dd data-testid={`kr-score-${id}`}>{formatNumber(kr.score, lang)}</dd>
        </div>
        <div>
          <dt>{t("grading.progress")}</dt>
          <dd>{formatPercent(kr.progress, lang)}</dd>
        </div>
      </dl>
      {kr.scores.length === 0 ? (
        <p className="state-empty">{t("grading.noScores")}</p>
      ) : (
        <ol className="score-list" aria-label={t("grading.scoresGiven")}>
          {kr.scores.map((s, i) => (
            <li key={`${s.at}-${i}`}>
              <span className="score-who">
                {t("grading.scoredBy", {
                  kind: t(`grading.kind.${s.kind}`, { defaultValue: s.kind }),
                  who: nameOf(s.by),
                  score: formatNumber(s.score, lang),
                  previous: formatNumber(s.previous_score, lang),
                })}
              </span>{" "}
              <span className="history-meta">{formatDateTime(s.at, lang)}</span>
              {(s.remark || s.reason) && <q className="score-remark">{s.remark ?? s.reason}</q>}
            </li>
          ))}
        </ol>
      )}
      {open && rules.data && !form && (canSelf || canManager) && (
        <div className="form-actions">
          {canSelf && (
            <button
              type="button"
              data-testid={`self-open-${id}`}
              ref={(el) => {
                openers.current.self = el;
              }}
              onClick={() => setForm("self")}
            >
              {t("grading.assess")}
            </button>
          )}
          {canManager && (
            <button
              type="button"
              data-testid={`manager-open-${id}`}
              ref={(el) => {
                openers.current.manager = el;
              }}
              onClick={() => setForm("manager")}
            >
              {t("grading.override")}
            </button>
          )}
        </div>
      )}
      {open && form && rules.data && (
        <ScoreForm review={review} kr={kr} kind={form} rules={rules.data} onClose={closeForm} />
      )}
    </li>
  );
}

function ReviewCard({
  review,
  objective,
  directory,
  grading,
  nameOf,
}: {
  review: Review;
  objective: ObjectiveProgress | undefined;
  directory: Directory;
  grading: boolean;
  nameOf: (id: string) => string;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const open = grading && !review.finalised;
  return (
    <article className="card" data-testid={`review-${review.objective_id}`}>
      <header className="card-head">
        <h3>
          <Link to={`/objectives/${encodeURIComponent(review.objective_id)}`}>
            {objective?.title ?? review.objective_id}
          </Link>
        </h3>
        <span className="level">{t(`grading.commitment.${review.commitment}`, { defaultValue: review.commitment })}</span>
        <span className="review-score">
          {t("grading.objectiveScore", { score: formatNumber(review.score, lang) })}
        </span>
        <BandBadge band={review.band} testId={`review-band-${review.objective_id}`} />
      </header>
      {review.finalised ? (
        <p className="finalised" data-testid={`review-final-${review.objective_id}`}>
          {t("grading.finalised", {
            band: bandLabel(review.band, lang),
            who: nameOf(review.finalised.by),
            when: formatDateTime(review.finalised.at, lang),
          })}{" "}
          <q>{review.finalised.reason}</q>
        </p>
      ) : (
        !grading && <p className="hint">{t("grading.notGrading")}</p>
      )}
      <ul className="kr-list">
        {review.key_results.map((kr) => (
          <KeyResultRow
            key={kr.key_result_id}
            review={review}
            kr={kr}
            objective={objective}
            directory={directory}
            open={open}
            nameOf={nameOf}
          />
        ))}
      </ul>
    </article>
  );
}

function CalibrationSection({ cycleId, unitName }: { cycleId: string; unitName: (id: string) => string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const session = useSession()!;
  const units = useOrgUnits();
  const [unit, setUnit] = useState(session.person.org_unit_id ?? "");
  const calibration = useCalibration(cycleId, unit || undefined);
  const charts = useMemo(
    () =>
      calibration.data
        ? calibrationCharts(
            calibration.data.by_org_unit,
            (id) => (id ? unitName(id) : t("grading.noUnit")),
            (color) => t(`grading.color.${color}`, { defaultValue: color }),
            { mean: t("grading.mean"), spread: t("grading.spread") },
          )
        : null,
    [calibration.data, unitName, t],
  );
  const overall = calibration.data?.overall;
  const forbidden = calibration.error instanceof ApiError && calibration.error.status === 403;

  return (
    <section aria-labelledby="calibration-heading" className="card">
      <h2 id="calibration-heading">{t("grading.calibration")}</h2>
      <div className="field inline">
        <label htmlFor="calibration-unit">{t("grading.unit")}</label>
        <select
          id="calibration-unit"
          data-testid="calibration-unit"
          value={unit}
          onChange={(e) => setUnit(e.target.value)}
        >
          <option value="">{t("grading.choose")}</option>
          {(units.data ?? []).map((u) => (
            <option key={u.org_unit_id} value={u.org_unit_id}>
              {u.name}
            </option>
          ))}
        </select>
      </div>
      {!unit && <Empty message={t("grading.pickUnit")} />}
      {unit && calibration.isPending && <Loading />}
      {forbidden && (
        <p className="state-empty" data-testid="calibration-forbidden">
          {t("grading.calibrationForbidden")}
        </p>
      )}
      {calibration.isError && !forbidden && <ErrorView error={calibration.error} />}
      {calibration.isSuccess && overall && overall.count === 0 && <Empty message={t("grading.calibrationEmpty")} />}
      {calibration.isSuccess && overall && overall.count > 0 && charts && (
        <>
          <p data-testid="calibration-overall">
            {t("grading.overall", {
              count: overall.count,
              mean: formatNumber(overall.mean, lang),
              spread: formatNumber(overall.spread, lang),
            })}
          </p>
          <div className="dashboard-grid">
            <div>
              <h3>{t("grading.bandShares")}</h3>
              <Chart still option={charts.shares} testId="chart-calibration-bands" label={t("grading.bandSharesLabel")} />
            </div>
            <div>
              <h3>{t("grading.meanSpread")}</h3>
              <Chart still option={charts.means} testId="chart-calibration-means" label={t("grading.meanSpreadLabel")} />
            </div>
          </div>
          <table className="calibration-table">
            <caption>{t("grading.byUnit")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("grading.unit")}</th>
                <th scope="col">{t("grading.count")}</th>
                <th scope="col">{t("grading.mean")}</th>
                <th scope="col">{t("grading.spread")}</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(calibration.data.by_org_unit).map(([id, s]) => (
                <tr key={id} data-testid={`calibration-row-${id}`}>
                  <th scope="row">{id ? unitName(id) : t("grading.noUnit")}</th>
                  <td>{s.count}</td>
                  <td>{formatNumber(s.mean, lang)}</td>
                  <td>{formatNumber(s.spread, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function RetrospectiveCard({
  retro,
  subject,
  nameOf,
}: {
  retro: Retrospective;
  subject: string;
  nameOf: (id: string) => string;
}) {
  const { t, i18n } = useTranslation();
  const lists = [
    ["worked", retro.content.worked],
    ["did_not_work", retro.content.did_not_work],
    ["lessons", retro.content.lessons],
    ["next_steps", retro.content.next_steps.map((s) => s.text)],
  ] as const;
  return (
    <article className="card" data-testid={`retro-${retro.retrospective_id}`}>
      <header className="card-head">
        <h3>{subject}</h3>
        <span className="level">{t(retro.sharing === "team" ? "grading.sharingTeam" : "grading.sharingShared")}</span>
        <span className="history-meta">
          {t("grading.writtenBy", { who: nameOf(retro.written_by), when: formatDateTime(retro.written_at, i18n.language) })}
        </span>
      </header>
      <div className="retro-lists">
        {lists.map(([name, items]) =>
          items.length === 0 ? null : (
            <div key={name}>
              <h4>{t(`grading.retro.${name}`)}</h4>
              <ul>
                {items.map((item, i) => (
                  <li key={i}>{item}</li>
                ))}
              </ul>
            </div>
          ),
        )}
      </div>
    </article>
  );
}

export function Grading() {
  const { t } = useTranslation();
  const { cycleId } = useParams();
  const session = useSession()!;
  const cycles = useCycles();
  const cycle = cycles.data?.find((c) => c.cycle_id === cycleId);
  const grading = cycle?.state === "grading";
  const reviews = useReviews(cycleId, grading ? REVIEWS_POLL_MS : undefined);
  const objectives = useCycleObjectives(cycleId);
  const retros = useRetrospectives(cycleId);
  const people = usePeople();
  const units = useOrgUnits();
  const leading = session.person.roles.some((r) => LEADING_ROLES.includes(r));

  const directory: Directory = useMemo(
    () => ({ people: people.data ?? [], units: units.data ?? [] }),
    [people.data, units.data],
  );
  const byObjective = useMemo(
    () => new Map((objectives.data ?? []).map((o) => [o.objective_id, o])),
    [objectives.data],
  );
  const nameOf = useMemo(() => {
    const names = new Map((people.data ?? []).map((p) => [p.person_id, p.name]));
    return (id: string) => names.get(id) ?? id;
  }, [people.data]);
  const unitName = useMemo(() => {
    const names = new Map((units.data ?? []).map((u) => [u.org_unit_id, u.name]));
    return (id: string) => names.get(id) ?? id;
  }, [units.data]);
  const canWriteRetro = cycle?.state === "grading" || cycle?.state === "closed";

  return (
    <section className="page">
      <h1>{t("grading.title")}</h1>
      <CyclePicker current={cycleId} to="grading" />
      <section aria-labelledby="reviews-heading">
        <h2 id="reviews-heading">{t("grading.reviews")}</h2>
        {reviews.isPending && <Loading />}
        {reviews.isError && <ErrorView error={reviews.error} />}
        {reviews.isSuccess && reviews.data.length === 0 && <Empty message={t("grading.none")} />}
        {reviews.data?.map((r) => (
          <ReviewCard
            key={r.review_id}
            review={r}
            objective={byObjective.get(r.objective_id)}
            directory={directory}
            grading={grading}
            nameOf={nameOf}
          />
        ))}
      </section>
      {leading && cycleId && <CalibrationSection cycleId={cycleId} unitName={unitName} />}
      <section aria-labelledby="retros-heading">
        <h2 id="retros-heading">{t("grading.retrospectives")}</h2>
        {retros.isPending && <Loading />}
        {retros.isError && <ErrorView error={retros.error} />}
        {retros.isSuccess && retros.data.length === 0 && <Empty message={t("grading.noRetros")} />}
        {retros.data?.map((r) => (
          <RetrospectiveCard
            key={r.retrospective_id}
            retro={r}
            nameOf={nameOf}
            subject={
              r.objective_id
                ? (byObjective.get(r.objective_id)?.title ?? r.objective_id)
                : t("grading.team", { name: unitName(r.org_unit_id ?? "") })
            }
          />
        ))}
        {cycleId && canWriteRetro && (
          <>
            <h3>{t("grading.writeRetro")}</h3>
            <RetrospectiveForm
              cycleId={cycleId}
              objectives={(objectives.data ?? []).map((o) => ({ id: o.objective_id, title: o.title ?? o.objective_id }))}
              units={(units.data ?? []).map((u) => ({ id: u.org_unit_id, name: u.name }))}
            />
          </>
        )}
        {cycle && !canWriteRetro && <p className="hint">{t("grading.retroLater")}</p>}
      </section>
    </section>
  );
}
