import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams, useSearchParams } from "react-router";
import { Empty, ErrorView, Loading } from "../components/States";
import { ApiError } from "../lib/problems";
import { formatDate, formatDateTime, isoToLocalInput, localInputToIso } from "../lib/format";
import { useCycles, useGoalsTree } from "../lib/queries";
import { cycleDays, dayIndexOf } from "../lib/scope";
import type { GoalsTree, GoalsTreeNode } from "../lib/types";
import { CyclePicker } from "./CyclePicker";

function Node({ node, prefix, path }: { node: GoalsTreeNode; prefix: string; path: string }) {
  const { t } = useTranslation();
  const id = node.objective_id;
  return (
    <li className="tree-node" data-testid={`${prefix}tree-node-${id}`} data-version={node.version}>
      <div className="tree-row">
        <Link to={`/objectives/${encodeURIComponent(id)}`} className="tree-title">
          {node.title}
        </Link>
        <span className="level">{t(`level.${node.level}`, { defaultValue: "" })}</span>
        <span className="tree-owner">{node.owner_id}</span>
        <span data-testid={`${prefix}node-status-${id}`}>
          {t(`status.${node.status}`, { defaultValue: node.status })}
        </span>
        <span>{t("history.version", { version: node.version })}</span>
        <span>{t("history.keyResults", { count: node.key_results.length })}</span>
      </div>
      {node.children.length > 0 && (
        <ul className="tree-children">
          {node.children.map((child) => (
            <Node key={`${path}/${child.objective_id}`} node={child} prefix={prefix} path={`${path}/${child.objective_id}`} />
          ))}
        </ul>
      )}
    </li>
  );
}

function Column({
  title,
  prefix,
  testId,
  query,
}: {
  title: string;
  prefix: string;
  testId: string;
  query: { isPending: boolean; isError: boolean; error: unknown; data?: GoalsTree };
}) {
  const { t, i18n } = useTranslation();
  return (
    <section className="card history-column" data-testid={testId} aria-label={title}>
      <h2>{title}</h2>
      {query.isPending && <Loading />}
      {query.isError &&
        (query.error instanceof ApiError && query.error.status === 404 ? (
          <Empty message={t("history.noCycleYet")} />
        ) : (
          <ErrorView error={query.error} />
        ))}
      {query.data && (
        <>
          <p className="history-meta">
            <span>{formatDateTime(query.data.as_of, i18n.language)}</span>
            {" · "}
            <span data-testid={`${prefix}cycle-state`}>{t(`cycleState.${query.data.cycle_state}`)}</span>
            {" · "}
            <span data-testid={`${prefix}objective-count`}>
              {t("history.objectives", { count: query.data.objective_count })}
            </span>
          </p>
          {query.data.roots.length === 0 ? (
            <Empty message={t("history.empty")} />
          ) : (
            <ul className="tree">
              {query.data.roots.map((root) => (
                <Node key={root.objective_id} node={root} prefix={prefix} path={root.objective_id} />
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

const WEEK_MS = 7 * 24 * 3600 * 1000;

export function History() {
  const { t, i18n } = useTranslation();
  const { cycleId } = useParams();
  const cycles = useCycles();
  const cycle = cycles.data?.find((c) => c.cycle_id === cycleId);
  const [search, setSearch] = useSearchParams();
  const input = useRef<HTMLInputElement>(null);
  const at = search.get("at");
  const instant = useRef(new Date(Date.now() - WEEK_MS));
  if (at && !Number.isNaN(new Date(at).getTime())) instant.current = new Date(at);
  const asOf = instant.current.toISOString();
  const past = useGoalsTree(cycleId, asOf);
  const days = cycle ? cycleDays(cycle.starts_on, cycle.ends_on, Date.now()) : [];
  const dayIndex = days.length > 0 ? dayIndexOf(days, instant.current.getTime()) : 0;
  const pickDay = (index: number) => {
    const end = days[index];
    if (end !== undefined) setSearch({ at: new Date(end).toISOString() }, { replace: true });
  };
  const today = useGoalsTree(cycleId, null);

  // A native listener: React's onChange misses values set programmatically on date inputs.
  useEffect(() => {
    const el = input.current;
    if (!el) return;
    const changed = () => {
      const iso = localInputToIso(el.value);
      if (iso) setSearch({ at: iso }, { replace: true });
    };
    el.addEventListener("input", changed);
    el.addEventListener("change", changed);
    return () => {
      el.removeEventListener("input", changed);
      el.removeEventListener("change", changed);
    };
  }, [setSearch]);

  useEffect(() => {
    const el = input.current;
    const shown = isoToLocalInput(instant.current);
    if (el && localInputToIso(el.value) !== instant.current.toISOString()) el.value = shown;
  }, [asOf]);

  return (
    <section className="page">
      <h1>{t("history.title")}</h1>
      <CyclePicker current={cycleId} to="history" />
      {days.length > 0 && cycle && (
        <div className="field history-slider">
          <label htmlFor="history-day">{t("history2.day")}</label>
          <input
            id="history-day"
            type="range"
            min={0}
            max={days.length - 1}
            step={1}
            value={dayIndex}
            data-testid="history-day"
            aria-valuetext={formatDate(new Date(days[dayIndex]!).toISOString(), i18n.language)}
            onChange={(e) => pickDay(Number(e.target.value))}
          />
          <span className="slider-ends">
            <span>{formatDate(cycle.starts_on, i18n.language)}</span>
            <strong data-testid="history-day-label">
              {t("history2.dayOf", {
                day: dayIndex + 1,
                date: formatDate(new Date(days[dayIndex]!).toISOString(), i18n.language),
              })}
            </strong>
            <span>{formatDate(new Date(days[days.length - 1]!).toISOString(), i18n.language)}</span>
          </span>
          <span className="hint">{t("history2.dayHint")}</span>
        </div>
      )}
      {cycle && days.length === 0 && <Empty message={t("history2.notStarted")} />}
      <div className="field inline">
        <label htmlFor="history-instant">{t("history.instant")}</label>
        <input
          ref={input}
          id="history-instant"
          type="datetime-local"
          step={1}
          data-testid="history-instant"
          defaultValue={isoToLocalInput(instant.current)}
        />
        <span className="hint">{t("history.instantHint")}</span>
      </div>
      <div className="history-layout">
        <Column title={t("history.asOf")} prefix="history-" testId="history-tree" query={past} />
        <Column title={t("history.today")} prefix="today-" testId="history-today" query={today} />
      </div>
    </section>
  );
}
