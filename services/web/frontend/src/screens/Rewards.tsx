import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { Empty, ErrorView, Loading } from "../components/States";
import { formatDateTime, formatNumber } from "../lib/format";
import { useOrgUnits, usePeople } from "../lib/directory";
import { useSession } from "../lib/hooks";
import { ApiError } from "../lib/problems";
import { pickActiveCycle, useCycleObjectives, useCycles, useObjective } from "../lib/queries";
import {
  useAwards,
  useEvidence,
  useKudosSettings,
  useRecognition,
  useRecognitionWall,
} from "../lib/rewardsQueries";
import type { Kudos, WallItem } from "../lib/rewardsTypes";
import { KudosForm } from "./KudosForm";
import "./grading.css";

type NameOf = (id: string) => string;

/** An objective's title: from the current cycle's list, else read from the goal service. */
function ObjectiveLink({ objectiveId, known }: { objectiveId: string; known: Map<string, string> }) {
  const { t } = useTranslation();
  const title = known.get(objectiveId);
  return (
    <Link to={`/objectives/${encodeURIComponent(objectiveId)}`}>
      {title ?? <FetchedTitle objectiveId={objectiveId} fallback={t("rewards.anObjective")} />}
    </Link>
  );
}

function FetchedTitle({ objectiveId, fallback }: { objectiveId: string; fallback: string }) {
  const objective = useObjective(objectiveId);
  return <>{objective.data?.title ?? fallback}</>;
}

function EvidenceView({ awardId, nameOf }: { awardId: string; nameOf: NameOf }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const evidence = useEvidence(awardId);
  if (evidence.isPending) return <Loading />;
  if (evidence.isError) return <ErrorView error={evidence.error} />;
  return (
    <div className="evidence" data-testid={`evidence-${awardId}`}>
      <p>
        {t("rewards.policy", {
          policy: evidence.data.policy_id,
          version: evidence.data.policy_version,
          cycle: evidence.data.cycle_id,
        })}
      </p>
      {evidence.data.entries.map((entry) => (
        <section key={entry.entry_id} aria-label={t(`rewards.entry.${entry.kind}`, { defaultValue: entry.kind })}>
          <h4>
            {t(`rewards.entry.${entry.kind}`, { defaultValue: entry.kind })} ·{" "}
            {formatDateTime(entry.at, lang)}
          </h4>
          {entry.reason && <p className="hint">{entry.reason}</p>}
          <h5>{t("rewards.inputs")}</h5>
          <ul>
            {entry.inputs.objectives.map((o) => (
              <li key={o.objective_id}>
                <ObjectiveLink objectiveId={o.objective_id} known={new Map()} />{" "}
                {t("rewards.inputObjective", {
                  level: t(`level.${o.level}`, { defaultValue: o.level }),
                  score: formatNumber(o.score, lang),
                })}{" "}
                <span className="hint">{t(`grading.commitment.${o.commitment}`, { defaultValue: o.commitment })}</span>
              </li>
            ))}
            <li>
              {t("rewards.days", {
                days: entry.inputs.days_in_cycle,
                of: entry.inputs.cycle_days,
              })}
            </li>
          </ul>
          <h5>{t("rewards.events")}</h5>
          <ul data-testid="evidence-events">
            {entry.evidence.map((e) => (
              <li key={e.event_id}>
                {t("rewards.event", { type: e.type, sequence: e.sequence })}{" "}
                <span className="id-text">{e.event_id}</span>
              </li>
            ))}
          </ul>
          <p data-testid="evidence-recomputed">
            {t("rewards.recomputed", {
              points: formatNumber(entry.recomputed.points, lang),
              multiplier: formatNumber(entry.recomputed.multiplier, lang),
            })}{" "}
            <span className={entry.matches ? "matches" : "mismatch"} data-testid="evidence-matches">
              {t(entry.matches ? "rewards.matches" : "rewards.mismatch")}
            </span>
          </p>
        </section>
      ))}
      <p className="hint">{t("rewards.person", { name: nameOf(evidence.data.person_id) })}</p>
    </div>
  );
}

function Awards({ personId, nameOf }: { personId: string; nameOf: NameOf }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const awards = useAwards(personId);
  const [open, setOpen] = useState<string | null>(null);
  if (awards.isPending) return <Loading />;
  if (awards.isError) return <ErrorView error={awards.error} />;
  const ledger = awards.data;
  return (
    <>
      <p data-testid="awards-balance">
        {t("rewards.balance", { points: formatNumber(ledger.balance.points, lang) })}
      </p>
      {ledger.cycles.length === 0 && <Empty message={t("rewards.noAwards")} />}
      <ul className="kudos-list">
        {ledger.cycles.map((c) => (
          <li key={c.award_id} data-testid={`award-${c.award_id}`}>
            <div className="award-figures">
              <strong>{c.cycle_id}</strong>
              <span className="award-points" data-testid={`award-points-${c.award_id}`}>
                {t("rewards.pointsValue", { points: formatNumber(c.points, lang) })}
              </span>
              <span data-testid={`award-multiplier-${c.award_id}`}>
                {t("rewards.multiplier", { multiplier: formatNumber(c.multiplier, lang) })}
              </span>
              <button
                type="button"
                aria-expanded={open === c.award_id}
                data-testid={`evidence-open-${c.award_id}`}
                onClick={() => setOpen(open === c.award_id ? null : c.award_id)}
              >
                {t(open === c.award_id ? "rewards.hideEvidence" : "rewards.showEvidence")}
              </button>
            </div>
            {open === c.award_id && <EvidenceView awardId={c.award_id} nameOf={nameOf} />}
          </li>
        ))}
      </ul>
    </>
  );
}

function KudosLine({ kudos, nameOf, titles }: { kudos: Kudos; nameOf: NameOf; titles: Map<string, string> }) {
  const { t, i18n } = useTranslation();
  return (
    <li data-testid={`kudos-${kudos.kudos_id}`}>
      <strong>
        {t("rewards.kudosLine", {
          giver: nameOf(kudos.giver_id),
          recipient: nameOf(kudos.recipient_id),
          points: kudos.points,
        })}
      </strong>{" "}
      <ObjectiveLink objectiveId={kudos.objective_id} known={titles} />
      <q className="score-remark">{kudos.message}</q>
      <span className="history-meta">{formatDateTime(kudos.given_at, i18n.language)}</span>
    </li>
  );
}

function RecognitionView({ personId, nameOf, titles }: { personId: string; nameOf: NameOf; titles: Map<string, string> }) {
  const { t } = useTranslation();
  const recognition = useRecognition(personId);
  if (recognition.isPending) return <Loading />;
  if (recognition.isError) return <ErrorView error={recognition.error} />;
  const r = recognition.data;
  return (
    <div className="retro-lists" data-testid="recognition">
      <div>
        <h3>{t("rewards.received")}</h3>
        {r.kudos_received.length === 0 && <Empty message={t("rewards.noKudos")} />}
        <ul className="kudos-list" data-testid="recognition-received">
          {r.kudos_received.map((k) => (
            <KudosLine key={k.kudos_id} kudos={k} nameOf={nameOf} titles={titles} />
          ))}
        </ul>
      </div>
      <div>
        <h3>{t("rewards.given")}</h3>
        {r.kudos_given.length === 0 && <Empty message={t("rewards.noKudos")} />}
        <ul className="kudos-list" data-testid="recognition-given">
          {r.kudos_given.map((k) => (
            <KudosLine key={k.kudos_id} kudos={k} nameOf={nameOf} titles={titles} />
          ))}
        </ul>
      </div>
      <div>
        <h3>{t("rewards.honoursBadges")}</h3>
        {r.honours.length === 0 && r.badges.length === 0 && <Empty message={t("rewards.noHonours")} />}
        <ul className="kudos-list">
          {r.honours.map((h) => (
            <li key={h.nomination_id}>
              <strong>{h.honour}</strong> · {h.cycle_id} <q className="score-remark">{h.citation}</q>
            </li>
          ))}
          {r.badges.map((b) => (
            <li key={b.badge_id}>{t("rewards.badge", { kind: b.kind, periods: b.periods })}</li>
          ))}
        </ul>
      </div>
    </div>
  );
}

function WallLine({ item, nameOf, titles, unitName }: { item: WallItem; nameOf: NameOf; titles: Map<string, string>; unitName: NameOf }) {
  const { t, i18n } = useTranslation();
  const when = <span className="history-meta">{formatDateTime(item.at, i18n.language)}</span>;
  if (item.kind === "kudos") {
    return (
      <li data-testid={`wall-kudos-${item.kudos_id}`}>
        <strong>
          {t("rewards.kudosLine", {
            giver: nameOf(item.giver_id ?? ""),
            recipient: nameOf(item.recipient_id ?? ""),
            points: item.points ?? 0,
          })}
        </strong>{" "}
        {item.objective_id && (
          <ObjectiveLink objectiveId={item.objective_id} known={titles} />
        )}
        <q className="score-remark">{item.message}</q> {when}
      </li>
    );
  }
  if (item.kind === "honour") {
    const nominee = item.nominee_type === "org_unit" ? unitName(item.nominee_id ?? "") : nameOf(item.nominee_id ?? "");
    return (
      <li data-testid={`wall-honour-${item.nomination_id}`}>
        <strong>{t("rewards.honourLine", { honour: item.honour, nominee })}</strong>
        <q className="score-remark">{item.citation}</q> {when}
      </li>
    );
  }
  return (
    <li>
      {t("rewards.badgeLine", { name: nameOf(item.person_id ?? ""), kind: item.badge ?? "", periods: item.periods ?? 0 })}{" "}
      {when}
    </li>
  );
}

export function Rewards() {
  const { t } = useTranslation();
  const session = useSession()!;
  const me = session.person.person_id;
  const people = usePeople();
  const units = useOrgUnits();
  const cycles = useCycles();
  const current = pickActiveCycle(cycles.data);
  const objectives = useCycleObjectives(current?.cycle_id);
  const settings = useKudosSettings();
  const [person, setPerson] = useState(me);
  const [unit, setUnit] = useState(session.person.org_unit_id ?? "");
  const wall = useRecognitionWall(unit || undefined);

  const nameOf = useMemo(() => {
    const names = new Map((people.data ?? []).map((p) => [p.person_id, p.name]));
    return (id: string) => names.get(id) ?? id;
  }, [people.data]);
  const unitName = useMemo(() => {
    const names = new Map((units.data ?? []).map((u) => [u.org_unit_id, u.name]));
    return (id: string) => names.get(id) ?? id;
  }, [units.data]);
  const titles = useMemo(
    () => new Map((objectives.data ?? []).map((o) => [o.objective_id, o.title ?? o.objective_id])),
    [objectives.data],
  );
  const wallForbidden = wall.error instanceof ApiError && wall.error.status === 404;

  return (
    <section className="page">
      <h1>{t("rewards.title")}</h1>
      <section aria-labelledby="awards-heading" className="card">
        <h2 id="awards-heading">{t("rewards.myAwards")}</h2>
        <Awards personId={me} nameOf={nameOf} />
      </section>

      <section aria-labelledby="recognition-heading" className="card">
        <h2 id="recognition-heading">{t("rewards.recognition")}</h2>
        <div className="field inline">
          <label htmlFor="recognition-person">{t("rewards.ofPerson")}</label>
          <select
            id="recognition-person"
            data-testid="recognition-person"
            value={person}
            onChange={(e) => setPerson(e.target.value)}
          >
            {!(people.data ?? []).some((p) => p.person_id === me) && <option value={me}>{nameOf(me)}</option>}
            {(people.data ?? []).map((p) => (
              <option key={p.person_id} value={p.person_id}>
                {p.person_id === me ? t("rewards.me", { name: p.name }) : p.name}
              </option>
            ))}
          </select>
        </div>
        <RecognitionView personId={person} nameOf={nameOf} titles={titles} />
      </section>

      <section aria-labelledby="kudos-heading" className="card">
        <h2 id="kudos-heading">{t("rewards.giveKudos")}</h2>
        {cycles.isSuccess && !current && <Empty message={t("cycle.none")} />}
        {objectives.isPending && current && <Loading />}
        {objectives.isError && <ErrorView error={objectives.error} />}
        {objectives.isSuccess && objectives.data.length === 0 && <Empty message={t("rewards.noObjectives")} />}
        {objectives.isSuccess && objectives.data.length > 0 && (
          <KudosForm objectives={objectives.data} nameOf={nameOf} budget={settings.data?.kudos_budget} />
        )}
      </section>

      <section aria-labelledby="wall-heading" className="card">
        <h2 id="wall-heading">{t("rewards.wall")}</h2>
        <div className="field inline">
          <label htmlFor="wall-unit">{t("rewards.team")}</label>
          <select id="wall-unit" data-testid="wall-unit" value={unit} onChange={(e) => setUnit(e.target.value)}>
            <option value="">{t("rewards.choose")}</option>
            {(units.data ?? []).map((u) => (
              <option key={u.org_unit_id} value={u.org_unit_id}>
                {u.name}
              </option>
            ))}
          </select>
        </div>
        {!unit && <Empty message={t("rewards.pickTeam")} />}
        {unit && wall.isPending && <Loading />}
        {wallForbidden && <Empty message={t("rewards.noWall")} />}
        {wall.isError && !wallForbidden && <ErrorView error={wall.error} />}
        {wall.isSuccess && wall.data.items.length === 0 && <Empty message={t("rewards.wallEmpty")} />}
        {wall.isSuccess && (
          <ul className="wall-list" data-testid="wall">
            {wall.data.items.map((item, i) => (
              <WallLine
                key={`${item.kind}-${item.kudos_id ?? item.nomination_id ?? item.badge_id ?? i}`}
                item={item}
                nameOf={nameOf}
                titles={titles}
                unitName={unitName}
              />
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}
