import { useEffect, useRef, useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../lib/api";
import type { Retrospective } from "../lib/gradingTypes";
import { ApiError } from "../lib/problems";

export interface RetroDraft {
  subject: string;
  worked: string;
  did_not_work: string;
  lessons: string;
  next_steps: string;
  sharing: string;
}

const lines = (text: string) =>
  text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);

/** The request body: `subject` is `objective:<id>` or `unit:<id>`; each list one item a line. */
export function retrospectiveBody(cycleId: string, d: RetroDraft) {
  const [kind, ...rest] = d.subject.split(":");
  const id = rest.join(":");
  return {
    cycle_id: cycleId,
    ...(kind === "objective" && id ? { objective_id: id } : {}),
    ...(kind === "unit" && id ? { org_unit_id: id } : {}),
    content: {
      worked: lines(d.worked),
      did_not_work: lines(d.did_not_work),
      lessons: lines(d.lessons),
      next_steps: lines(d.next_steps).map((text) => ({ text })),
    },
    sharing: d.sharing,
  };
}

const LISTS = ["worked", "did_not_work", "lessons", "next_steps"] as const;
const FIELDS = ["subject", ...LISTS, "sharing"] as const;
type Field = (typeof FIELDS)[number];

/** Where an error's field shows: the subject takes the objective's and the team's, the first
 * list the content's as a whole ("say at least one thing"). */
function placed(errors: Record<string, string>): Partial<Record<Field, string>> {
  const out: Partial<Record<Field, string>> = {};
  for (const [field, message] of Object.entries(errors)) {
    const at =
      field === "objective_id" || field === "org_unit_id"
        ? "subject"
        : field === "content"
          ? "worked"
          : field;
    if ((FIELDS as readonly string[]).includes(at) && !out[at as Field]) out[at as Field] = message;
  }
  return out;
}

export function RetrospectiveForm({
  cycleId,
  objectives,
  units,
}: {
  cycleId: string;
  objectives: { id: string; title: string }[];
  units: { id: string; name: string }[];
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<RetroDraft>({
    subject: "",
    worked: "",
    did_not_work: "",
    lessons: "",
    next_steps: "",
    sharing: "team",
  });
  const refs = useRef<Partial<Record<Field, HTMLSelectElement | HTMLTextAreaElement | null>>>({});

  const submit = useMutation({
    mutationFn: () =>
      api.post<Retrospective>("reviews", "/v1/retrospectives", retrospectiveBody(cycleId, draft)),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["retrospectives", cycleId] }),
  });
  const errors = submit.error instanceof ApiError ? placed(submit.error.fields) : {};
  useEffect(() => {
    const first = FIELDS.find((f) => errors[f]);
    if (first) refs.current[first]?.focus();
  }, [submit.error]);

  const props = (field: Field) => ({
    id: `retro-${field}`,
    "data-testid": `retro-${field.replace(/_/g, "-")}`,
    value: draft[field],
    "aria-invalid": Boolean(errors[field]),
    "aria-describedby": errors[field] ? `retro-${field}-error` : undefined,
    className: errors[field] ? "invalid" : undefined,
    ref: (el: HTMLSelectElement | HTMLTextAreaElement | null) => {
      refs.current[field] = el;
    },
    onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [field]: e.target.value }),
  });
  const fieldError = (field: Field) =>
    errors[field] ? (
      <span className="field-error" id={`retro-${field}-error`} data-testid={`error-${field}`}>
        {errors[field]}
      </span>
    ) : null;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit.mutate();
  };

  if (submit.isSuccess) {
    return (
      <div className="checkin-done" role="status" data-testid="retro-done">
        <span>{t("grading.retroWritten")}</span>{" "}
        <button type="button" className="link-button" onClick={() => submit.reset()}>
          {t("grading.retroAnother")}
        </button>
      </div>
    );
  }

  return (
    <form className="checkin-form" onSubmit={onSubmit} noValidate aria-label={t("grading.retroForm")}>
      {submit.error && (
        <div role="alert" className="form-error" data-testid="retro-error">
          {submit.error instanceof ApiError ? submit.error.message : t("state.error")}
        </div>
      )}
      <div className="field">
        <label htmlFor="retro-subject">{t("grading.retroSubject")}</label>
        <select {...props("subject")}>
          <option value="">{t("grading.choose")}</option>
          <optgroup label={t("grading.retroObjectives")}>
            {objectives.map((o) => (
              <option key={o.id} value={`objective:${o.id}`}>
                {o.title}
              </option>
            ))}
          </optgroup>
          <optgroup label={t("grading.retroTeams")}>
            {units.map((u) => (
              <option key={u.id} value={`unit:${u.id}`}>
                {u.name}
              </option>
            ))}
          </optgroup>
        </select>
        {fieldError("subject")}
      </div>
      <div className="field">
        <label htmlFor="retro-sharing">{t("grading.sharing")}</label>
        <select {...props("sharing")}>
          <option value="team">{t("grading.sharingTeam")}</option>
          <option value="shared">{t("grading.sharingShared")}</option>
        </select>
        {fieldError("sharing")}
      </div>
      {LISTS.map((list) => (
        <div className="field" key={list}>
          <label htmlFor={`retro-${list}`}>{t(`grading.retro.${list}`)}</label>
          <textarea rows={3} {...props(list)} />
          <span className="hint">{t("grading.oneALine")}</span>
          {fieldError(list)}
        </div>
      ))}
      <div className="form-actions">
        <button type="submit" className="primary" data-testid="retro-submit" disabled={submit.isPending}>
          {submit.isPending ? t("grading.sending") : t("grading.retroSubmit")}
        </button>
      </div>
    </form>
  );
}
