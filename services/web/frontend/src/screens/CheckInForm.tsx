import { useEffect, useRef, useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../lib/api";
import { dropDraft, loadDraft, saveDraft } from "../lib/drafts";
import { localInputToIso } from "../lib/format";
import { ApiError } from "../lib/problems";
import type { CheckIn, KeyResultProgress } from "../lib/types";

export interface CheckInDraft {
  value: string;
  confidence: string;
  progress: string;
  plans: string;
  problems: string;
  blockers: string;
  effective_at: string;
}

const EMPTY: CheckInDraft = {
  value: "",
  confidence: "",
  progress: "",
  plans: "",
  problems: "",
  blockers: "",
  effective_at: "",
};

export const draftKey = (keyResultId: string) => `checkin.${keyResultId}`;

/** The request body from what was typed; values that are not numbers go as typed, so the API
 * names the field at fault. */
export function checkInBody(keyResultId: string, kind: string | null | undefined, d: CheckInDraft) {
  const trimmed = d.value.trim();
  let value: unknown;
  if (kind === "milestone") value = trimmed === "" ? null : trimmed === "done";
  else if (trimmed === "") value = null;
  else value = Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
  const confidence = /^-?\d+$/.test(d.confidence.trim())
    ? Number(d.confidence.trim())
    : d.confidence.trim() || null;
  const effectiveAt = localInputToIso(d.effective_at);
  return {
    key_result_id: keyResultId,
    value,
    confidence,
    note: { progress: d.progress, plans: d.plans, problems: d.problems },
    blockers: (d.blockers ?? "")
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean),
    ...(effectiveAt ? { effective_at: effectiveAt } : {}),
  };
}

const FIELDS = [
  "value",
  "confidence",
  "progress",
  "plans",
  "problems",
  "blockers",
  "effective_at",
] as const;
type Field = (typeof FIELDS)[number];

export function CheckInForm({
  keyResult,
  onClose,
}: {
  keyResult: KeyResultProgress;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const key = draftKey(keyResult.key_result_id);
  const [draft, setDraft] = useState<CheckInDraft>(() => ({ ...EMPTY, ...loadDraft(key) }));
  const refs = useRef<Partial<Record<Field, HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement | null>>>({});

  const submit = useMutation({
    mutationFn: () =>
      api.post<CheckIn>("checkins", "/v1/check-ins", checkInBody(keyResult.key_result_id, keyResult.kind, draft)),
    onSuccess: () => {
      dropDraft(key);
      const refresh = () => void queryClient.invalidateQueries();
      refresh();
      // The projections learn the check-in from Kafka a moment later: read once more then.
      window.setTimeout(refresh, 1500);
    },
  });

  const errors = submit.error instanceof ApiError ? submit.error.fields : {};
  const unplaced = Object.entries(errors).filter(([f]) => !(FIELDS as readonly string[]).includes(f));

  useEffect(() => {
    const first = FIELDS.find((f) => errors[f]);
    if (first) refs.current[first]?.focus();
  }, [submit.error]);

  const change = (field: Field, value: string) => {
    const next = { ...draft, [field]: value };
    setDraft(next);
    saveDraft(key, next);
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit.mutate();
  };

  const fieldProps = (field: Field) => ({
    id: `${key}-${field}`,
    "data-testid": `checkin-${field.replace("_", "-")}`,
    value: draft[field],
    "aria-invalid": Boolean(errors[field]),
    "aria-describedby": errors[field] ? `${key}-${field}-error` : undefined,
    className: errors[field] ? "invalid" : undefined,
    ref: (el: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement | null) => {
      refs.current[field] = el;
    },
    onChange: (e: { target: { value: string } }) => change(field, e.target.value),
  });

  const fieldError = (field: Field) =>
    errors[field] ? (
      <span className="field-error" id={`${key}-${field}-error`} data-testid={`error-${field}`}>
        {errors[field]}
      </span>
    ) : null;

  if (submit.isSuccess) {
    return (
      <div className="checkin-done" role="status">
        <span>{t("checkin.recorded")}</span>{" "}
        <button type="button" className="link-button" onClick={onClose}>
          {t("checkin.close")}
        </button>
      </div>
    );
  }

  return (
    <form className="checkin-form" onSubmit={onSubmit} noValidate aria-label={t("checkin.formLabel")}>
      {submit.error && (
        <div role="alert" className="form-error" data-testid="checkin-error">
          {submit.error instanceof ApiError ? submit.error.message : t("state.error")}
          {unplaced.map(([field, message]) => (
            <div key={field} data-testid={`error-${field}`}>
              {field}: {message}
            </div>
          ))}
        </div>
      )}
      <div className="field">
        <label htmlFor={`${key}-value`}>{t("checkin.value")}</label>
        {keyResult.kind === "milestone" ? (
          <select {...fieldProps("value")}>
            <option value="">{t("checkin.choose")}</option>
            <option value="done">{t("checkin.done")}</option>
            <option value="not_done">{t("checkin.notDone")}</option>
          </select>
        ) : (
          <input type="text" inputMode="decimal" autoComplete="off" {...fieldProps("value")} />
        )}
        {fieldError("value")}
      </div>
      <div className="field">
        <label htmlFor={`${key}-confidence`}>{t("checkin.confidence")}</label>
        <input type="number" min={0} max={10} step={1} {...fieldProps("confidence")} />
        <span className="hint">{t("checkin.confidenceHint")}</span>
        {fieldError("confidence")}
      </div>
      {(["progress", "plans", "problems"] as const).map((part) => (
        <div className="field" key={part}>
          <label htmlFor={`${key}-${part}`}>{t(`checkin.${part}`)}</label>
          <textarea rows={2} {...fieldProps(part)} />
          {fieldError(part)}
        </div>
      ))}
      <div className="field">
        <label htmlFor={`${key}-blockers`}>{t("checkin.blockers")}</label>
        <textarea rows={2} {...fieldProps("blockers")} />
        <span className="hint">{t("checkin.blockersHint")}</span>
        {fieldError("blockers")}
      </div>
      <div className="field">
        <label htmlFor={`${key}-effective_at`}>{t("checkin.effectiveAt")}</label>
        <input type="datetime-local" step={1} {...fieldProps("effective_at")} />
        <span className="hint">{t("checkin.effectiveAtHint")}</span>
        {fieldError("effective_at")}
      </div>
      <div className="form-actions">
        <button type="submit" className="primary" data-testid="checkin-submit" disabled={submit.isPending}>
          {submit.isPending ? t("checkin.sending") : t("checkin.submit")}
        </button>
        <button
          type="button"
          onClick={() => {
            dropDraft(key);
            onClose();
          }}
        >
          {t("checkin.cancel")}
        </button>
      </div>
    </form>
  );
}
