import { useState, type ChangeEvent, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import {
  errorsOf,
  FieldError,
  fieldProps,
  FormProblem,
  useFocusFirstError,
  type Errors,
} from "../components/FormFields";
import { Empty, ErrorView, Loading } from "../components/States";
import { usePeople as useDirectoryPeople, useOrgUnits } from "../lib/directory";
import {
  CHECK_IN_CADENCES,
  CYCLE_CADENCES,
  NEXT_STATE,
  type CadenceOut,
  type CycleIn,
  type ImportReport,
  type ImportRowError,
} from "../lib/adminTypes";
import { api } from "../lib/api";
import {
  guessEntity,
  guessFormat,
  parseImport,
  placeErrors,
  rowKey,
  type Format,
  type Section,
} from "../lib/directoryImport";
import { formatDate, formatNumber } from "../lib/format";
import { useSession } from "../lib/hooks";
import { ApiError } from "../lib/problems";
import { useCycles } from "../lib/queries";
import type { Cycle } from "../lib/types";

const enc = encodeURIComponent;

export function isAdmin(roles: readonly string[] | undefined): boolean {
  return Boolean(roles?.includes("admin"));
}

const PLAN_FIELDS = ["cycle_id", "name", "cadence", "starts_on", "ends_on"] as const;

function PlanCycleForm() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const empty: CycleIn = { cycle_id: "", name: "", cadence: "quarterly", starts_on: "", ends_on: "" };
  const [draft, setDraft] = useState<CycleIn>(empty);
  const plan = useMutation({
    mutationFn: (body: CycleIn) => api.post<Cycle>("goals", "/v1/cycles", body),
    onSuccess: () => {
      setDraft(empty);
      void queryClient.invalidateQueries({ queryKey: ["cycles"] });
    },
  });
  const errors = errorsOf(plan.error);
  useFocusFirstError("plan", PLAN_FIELDS, errors);
  const change = (field: keyof CycleIn) => (e: ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setDraft({ ...draft, [field]: e.target.value });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    plan.mutate(draft);
  };
  const input = (field: (typeof PLAN_FIELDS)[number], type = "text") => (
    <div className="field">
      <label htmlFor={`plan-${field}`}>{t(`admin.cycles.${field}`)}</label>
      <input
        type={type}
        data-testid={`plan-${field.replace("_", "-")}`}
        value={draft[field]}
        onChange={change(field)}
        {...fieldProps("plan", field, errors)}
      />
      <FieldError prefix="plan" field={field} errors={errors} />
    </div>
  );
  return (
    <form className="admin-form" onSubmit={onSubmit} noValidate aria-labelledby="plan-heading" data-testid="plan-form">
      <h3 id="plan-heading">{t("admin.cycles.plan")}</h3>
      <FormProblem error={plan.error} fields={PLAN_FIELDS} testId="plan-error" />
      {plan.isSuccess && (
        <p role="status" className="form-done" data-testid="plan-done">
          {t("admin.cycles.planned", { name: plan.data.name })}
        </p>
      )}
      {input("cycle_id")}
      {input("name")}
      <div className="field">
        <label htmlFor="plan-cadence">{t("admin.cycles.cadence")}</label>
        <select data-testid="plan-cadence" value={draft.cadence} onChange={change("cadence")} {...fieldProps("plan", "cadence", errors)}>
          {CYCLE_CADENCES.map((c) => (
            <option key={c} value={c}>
              {t(`admin.cycleCadence.${c}`)}
            </option>
          ))}
        </select>
        <FieldError prefix="plan" field="cadence" errors={errors} />
      </div>
      {input("starts_on", "date")}
      {input("ends_on", "date")}
      <div className="form-actions">
        <button type="submit" className="primary" data-testid="plan-submit" disabled={plan.isPending}>
          {plan.isPending ? t("admin.sending") : t("admin.cycles.planSubmit")}
        </button>
      </div>
    </form>
  );
}

const ADVANCE_FIELDS = ["reason", "state"] as const;

function AdvanceCycleForm({ cycle, onDone }: { cycle: Cycle; onDone: (c: Cycle) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const next = NEXT_STATE[cycle.state]!;
  const prefix = `advance-${cycle.cycle_id}`;
  const [reason, setReason] = useState("");
  const [local, setLocal] = useState<Errors>({});
  const advance = useMutation({
    mutationFn: () =>
      api.post<Cycle>("goals", `/v1/cycles/${enc(cycle.cycle_id)}/state`, { state: next, reason: reason.trim() }),
    onSuccess: (updated) => {
      void queryClient.invalidateQueries({ queryKey: ["cycles"] });
      onDone(updated);
    },
  });
  const errors = errorsOf(advance.error, local);
  useFocusFirstError(prefix, ADVANCE_FIELDS, errors);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!reason.trim()) {
      advance.reset();
      setLocal({ reason: t("admin.cycles.reasonRequired") });
      return;
    }
    setLocal({});
    advance.mutate();
  };
  return (
    <form className="advance-form" onSubmit={onSubmit} noValidate data-testid="advance-form"
      aria-label={t("admin.cycles.advanceLabel", { name: cycle.name, state: t(`cycleState.${next}`) })}>
      <FormProblem error={advance.error} fields={ADVANCE_FIELDS} testId="advance-error" />
      <div className="field">
        <label htmlFor={`${prefix}-reason`}>{t("admin.cycles.reason")}</label>
        <textarea rows={2} data-testid="advance-reason" value={reason} onChange={(e) => setReason(e.target.value)}
          {...fieldProps(prefix, "reason", errors)} />
        <span className="hint">{t("admin.cycles.reasonHint")}</span>
        <FieldError prefix={prefix} field="reason" errors={errors} />
      </div>
      <FieldError prefix={prefix} field="state" errors={errors} />
      <div className="form-actions">
        <button type="submit" className="primary" data-testid="advance-submit" disabled={advance.isPending}>
          {t("admin.cycles.advanceTo", { state: t(`cycleState.${next}`) })}
        </button>
        <button type="button" onClick={() => onDone(cycle)}>
          {t("admin.cancel")}
        </button>
      </div>
    </form>
  );
}

function CyclesPanel() {
  const { t, i18n } = useTranslation();
  const cycles = useCycles();
  const [open, setOpen] = useState<string | null>(null);
  const [moved, setMoved] = useState<Cycle | null>(null);
  const sorted = [...(cycles.data ?? [])].sort((a, b) => b.starts_on.localeCompare(a.starts_on));
  return (
    <section aria-labelledby="cycles-heading" className="admin-section">
      <h2 id="cycles-heading">{t("admin.cycles.title")}</h2>
      {moved && (
        <p role="status" className="form-done" data-testid="advance-done">
          {t("admin.cycles.moved", { name: moved.name, state: t(`cycleState.${moved.state}`) })}
        </p>
      )}
      {cycles.isPending && <Loading />}
      {cycles.isError && <ErrorView error={cycles.error} />}
      {cycles.isSuccess && sorted.length === 0 && <Empty message={t("cycle.none")} />}
      {sorted.length > 0 && (
        <ul className="admin-list" data-testid="cycle-list">
          {sorted.map((c) => (
            <li key={c.cycle_id} data-testid={`cycle-${c.cycle_id}`} data-state={c.state}>
              <div className="admin-row">
                <span className="kr-title">{c.name}</span>
                <span className="cycle-meta">
                  {c.cycle_id} · {t(`admin.cycleCadence.${c.cadence}`, { defaultValue: c.cadence })} ·{" "}
                  {formatDate(c.starts_on, i18n.language)} – {formatDate(c.ends_on, i18n.language)}
                </span>
                <span className={`badge badge-state-${c.state}`} data-testid={`cycle-state-${c.cycle_id}`}>
                  {t(`cycleState.${c.state}`)}
                </span>
                {NEXT_STATE[c.state] && open !== c.cycle_id && (
                  <button type="button" data-testid={`cycle-advance-${c.cycle_id}`}
                    onClick={() => { setMoved(null); setOpen(c.cycle_id); }}>
                    {t("admin.cycles.advanceTo", { state: t(`cycleState.${NEXT_STATE[c.state]}`) })}
                  </button>
                )}
              </div>
              {open === c.cycle_id && (
                <AdvanceCycleForm
                  cycle={c}
                  onDone={(updated) => {
                    setOpen(null);
                    if (updated.state !== c.state) setMoved(updated);
                  }}
                />
              )}
            </li>
          ))}
        </ul>
      )}
      <PlanCycleForm />
    </section>
  );
}

function ImportRows({ section, rows, byRow }: {
  section: Section;
  rows: Record<string, unknown>[];
  byRow: Map<string, { field: string; detail: string; line?: number }[]>;
}) {
  const { t } = useTranslation();
  if (rows.length === 0) return null;
  return (
    <div className="table-scroll">
      <table className="import-table" data-testid={`import-rows-${section}`}>
        <caption>{t(`admin.import.section.${section}`, { count: rows.length })}</caption>
        <thead>
          <tr>
            <th scope="col">{t("admin.import.row")}</th>
            <th scope="col">{t("admin.import.id")}</th>
            <th scope="col">{t("admin.import.name")}</th>
            <th scope="col">{t("admin.import.problem")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => {
            const problems = byRow.get(`${section}/${index}`);
            return (
              <tr key={index} data-testid={`import-row-${section}-${index}`} className={problems ? "invalid-row" : undefined}
                aria-invalid={problems ? true : undefined}>
                <td>{index + 1}</td>
                <td>{rowKey(section, row)}</td>
                <td>{typeof row.name === "string" ? row.name : ""}</td>
                <td data-testid={problems ? `import-row-error-${section}-${index}` : undefined}>
                  {problems?.map((p, i) => (
                    <div key={i} className="field-error">
                      {p.line !== undefined ? t("admin.import.atLine", { line: p.line }) : ""}
                      {p.field ? `${p.field}: ` : ""}
                      {p.detail}
                    </div>
                  ))}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function DirectoryImport() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const units = useOrgUnits();
  const people = useDirectoryPeople();
  const [text, setText] = useState("");
  const [format, setFormat] = useState<Format>("json");
  const [entity, setEntity] = useState<Section>("people");
  const [local, setLocal] = useState<Errors>({});
  const parsed = parseImport(text, format, entity);
  const send = useMutation({
    mutationFn: () => {
      if (!parsed.ok) throw new Error("unparsed");
      const { type, text: body, entity: csvEntity } = parsed.parsed;
      return type === "text/csv"
        ? api.postText<ImportReport>("goals", `/v1/directory/import?entity=${csvEntity}`, type, body)
        : api.postText<ImportReport>("goals", "/v1/directory/import", type, body);
    },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["directory"] }),
  });
  const problem = send.error instanceof ApiError ? send.error.problem : null;
  const { byRow, other } = placeErrors(problem?.errors as ImportRowError[] | undefined);
  const rejected = problem?.type?.endsWith("/import-rejected") && byRow.size > 0;
  const errors: Errors = { ...local };
  for (const e of other) {
    const field = e.pointer === "query:entity" ? "entity" : "text";
    errors[field] ??= e.detail;
  }
  if (problem && !rejected && !errors.text && !problem.errors) errors.text = send.error!.message;
  useFocusFirstError("import", ["entity", "text"], errors);

  const edit = (value: string, name: string | null = null) => {
    send.reset();
    setLocal({});
    setText(value);
    const guessed = guessFormat(name, value);
    if (name || value.trim().length > 0) setFormat(guessed);
    if (guessed === "csv") setEntity(guessEntity(value));
  };
  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file) edit(await file.text(), file.name);
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!parsed.ok) {
      send.reset();
      setLocal({ text: t(`admin.import.unreadable.${parsed.reason}`) });
      return;
    }
    setLocal({});
    send.mutate();
  };

  return (
    <section aria-labelledby="import-heading" className="admin-section">
      <h2 id="import-heading">{t("admin.import.title")}</h2>
      <p className="hint">{t("admin.import.hint")}</p>
      {units.isSuccess && people.isSuccess && (
        <p data-testid="directory-counts" data-units={units.data.length} data-people={people.data.length}>
          {t("admin.import.counts", {
            units: formatNumber(units.data.length, i18n.language),
            people: formatNumber(people.data.length, i18n.language),
          })}
        </p>
      )}
      {(units.isError || people.isError) && <ErrorView error={units.error ?? people.error} />}
      <form className="admin-form" onSubmit={onSubmit} noValidate aria-labelledby="import-heading" data-testid="import-form">
        <div className="field">
          <label htmlFor="import-file">{t("admin.import.file")}</label>
          <input id="import-file" type="file" accept=".json,.csv,application/json,text/csv" data-testid="import-file"
            onChange={(e) => void onFile(e)} />
        </div>
        <div className="field inline">
          <label htmlFor="import-format">{t("admin.import.format")}</label>
          <select id="import-format" data-testid="import-format" value={format}
            onChange={(e) => { send.reset(); setFormat(e.target.value as Format); }}>
            <option value="json">{t("admin.import.json")}</option>
            <option value="csv">{t("admin.import.csv")}</option>
          </select>
          {format === "csv" && (
            <>
              <label htmlFor="import-entity">{t("admin.import.entity")}</label>
              <select data-testid="import-entity" value={entity}
                onChange={(e) => { send.reset(); setEntity(e.target.value as Section); }}
                {...fieldProps("import", "entity", errors)}>
                <option value="people">{t("admin.import.section.peopleName")}</option>
                <option value="org_units">{t("admin.import.section.orgUnitsName")}</option>
              </select>
            </>
          )}
          <FieldError prefix="import" field="entity" errors={errors} />
        </div>
        <div className="field">
          <label htmlFor="import-text">{t("admin.import.text")}</label>
          <textarea rows={8} spellCheck={false} data-testid="import-text" value={text}
            onChange={(e) => edit(e.target.value)} {...fieldProps("import", "text", errors)}
            className={`mono${errors.text ? " invalid" : ""}`} />
          <span className="hint">{t("admin.import.textHint")}</span>
          <FieldError prefix="import" field="text" errors={errors} />
        </div>
        <div className="form-actions">
          <button type="submit" className="primary" data-testid="import-submit" disabled={send.isPending}>
            {send.isPending ? t("admin.sending") : t("admin.import.submit")}
          </button>
        </div>
      </form>
      {rejected && (
        <div role="alert" className="form-error" data-testid="import-refused">
          {t("admin.import.refused", { count: problem!.errors!.length })}
        </div>
      )}
      {send.isSuccess && (
        <p role="status" className="form-done" data-testid="import-report">
          {t("admin.import.report", { ...send.data })}
        </p>
      )}
      {parsed.ok && (
        <>
          <ImportRows section="org_units" rows={parsed.parsed.rows.org_units} byRow={rejected ? byRow : new Map()} />
          <ImportRows section="people" rows={parsed.parsed.rows.people} byRow={rejected ? byRow : new Map()} />
        </>
      )}
    </section>
  );
}

const CADENCE_FIELDS = ["org_unit_id", "cadence", "reason"] as const;

function CadencesPanel() {
  const { t } = useTranslation();
  const units = useOrgUnits();
  const [scope, setScope] = useState("");
  const [cadence, setCadence] = useState<string>("weekly");
  const [reason, setReason] = useState("");
  const set = useMutation({
    mutationFn: () => {
      const body = { cadence, ...(reason.trim() ? { reason: reason.trim() } : {}) };
      return scope
        ? api.put<CadenceOut>("checkins", `/v1/cadences/org-units/${enc(scope)}`, body)
        : api.put<CadenceOut>("checkins", "/v1/cadences/tenant", body);
    },
  });
  const errors = errorsOf(set.error);
  useFocusFirstError("cadence", CADENCE_FIELDS, errors);
  const unitName = (id: string | null | undefined) =>
    units.data?.find((u) => u.org_unit_id === id)?.name ?? id ?? "";
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    set.mutate();
  };
  return (
    <section aria-labelledby="cadence-heading" className="admin-section">
      <h2 id="cadence-heading">{t("admin.cadences.title")}</h2>
      <p className="hint">{t("admin.cadences.hint")}</p>
      <form className="admin-form" onSubmit={onSubmit} noValidate aria-labelledby="cadence-heading" data-testid="cadence-form">
        <FormProblem error={set.error} fields={CADENCE_FIELDS} testId="cadence-error" />
        {set.isSuccess && (
          <p role="status" className="form-done" data-testid="cadence-done">
            {t("admin.cadences.done", {
              cadence: t(`admin.checkInCadence.${set.data.cadence}`),
              scope: set.data.org_unit_id ? unitName(set.data.org_unit_id) : t("admin.cadences.tenant"),
            })}
          </p>
        )}
        <div className="field">
          <label htmlFor="cadence-org_unit_id">{t("admin.cadences.scope")}</label>
          <select data-testid="cadence-scope" value={scope} onChange={(e) => { set.reset(); setScope(e.target.value); }}
            {...fieldProps("cadence", "org_unit_id", errors)}>
            <option value="">{t("admin.cadences.tenant")}</option>
            {(units.data ?? []).map((u) => (
              <option key={u.org_unit_id} value={u.org_unit_id}>
                {u.name}
              </option>
            ))}
          </select>
          <FieldError prefix="cadence" field="org_unit_id" errors={errors} />
        </div>
        <div className="field">
          <label htmlFor="cadence-cadence">{t("admin.cadences.cadence")}</label>
          <select data-testid="cadence-cadence" value={cadence} onChange={(e) => { set.reset(); setCadence(e.target.value); }}
            {...fieldProps("cadence", "cadence", errors)}>
            {CHECK_IN_CADENCES.map((c) => (
              <option key={c} value={c}>
                {t(`admin.checkInCadence.${c}`)}
              </option>
            ))}
          </select>
          <FieldError prefix="cadence" field="cadence" errors={errors} />
        </div>
        <div className="field">
          <label htmlFor="cadence-reason">{t("admin.cadences.reason")}</label>
          <input type="text" data-testid="cadence-reason" value={reason} onChange={(e) => setReason(e.target.value)}
            {...fieldProps("cadence", "reason", errors)} />
          <FieldError prefix="cadence" field="reason" errors={errors} />
        </div>
        <div className="form-actions">
          <button type="submit" className="primary" data-testid="cadence-submit" disabled={set.isPending}>
            {set.isPending ? t("admin.sending") : t("admin.cadences.submit")}
          </button>
        </div>
      </form>
    </section>
  );
}

export function Admin() {
  const { t } = useTranslation();
  const session = useSession()!;
  if (!isAdmin(session.person.roles)) {
    return (
      <section className="page narrow">
        <h1>{t("admin.title")}</h1>
        <div role="alert" className="state-error" data-testid="admin-forbidden">
          {t("admin.forbidden")}
        </div>
      </section>
    );
  }
  return (
    <section className="page">
      <h1>{t("admin.title")}</h1>
      <CyclesPanel />
      <DirectoryImport />
      <CadencesPanel />
    </section>
  );
}
