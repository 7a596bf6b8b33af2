import { useEffect, useRef, useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Empty, ErrorView, Loading } from "../components/States";
import { api } from "../lib/api";
import { formatDateTime } from "../lib/format";
import { useAllCheckIns } from "../lib/objectiveQueries";
import type { CheckInKnown } from "../lib/objectiveTypes";
import { ApiError } from "../lib/problems";
import { checkInBody, type CheckInDraft } from "./CheckInForm";

/** The request body of a correction: the check-in as typed, which one it corrects and why; an
 * empty reason is sent as typed so the API names the field. */
export function correctionBody(
  keyResultId: string,
  kind: string | null | undefined,
  corrects: string,
  draft: CheckInDraft,
  reason: string,
) {
  return { ...checkInBody(keyResultId, kind, draft), corrects, reason: reason.trim() };
}

/** A correction starts from what the corrected check-in said; no effective time, so the API keeps
 * the corrected one's. */
export function draftOf(c: CheckInKnown): CheckInDraft {
  const value = typeof c.value === "boolean" ? (c.value ? "done" : "not_done") : c.value === null ? "" : String(c.value);
  return {
    value,
    confidence: String(c.confidence),
    progress: c.note.progress,
    plans: c.note.plans,
    problems: c.note.problems,
    blockers: (c.blockers ?? []).join("\n"),
    effective_at: "",
  };
}

/** The live check-ins, latest effective first: the ones a correction may replace. */
export function correctable(items: CheckInKnown[]): CheckInKnown[] {
  return items
    .filter((c) => !c.replaced_by)
    .sort((a, b) => b.effective_at.localeCompare(a.effective_at) || b.recorded_at.localeCompare(a.recorded_at));
}

const FIELDS = ["corrects", "value", "confidence", "progress", "plans", "problems", "effective_at", "reason"] as const;
type Field = (typeof FIELDS)[number];

export function CorrectionForm({
  keyResultId,
  kind,
  initial,
  onClose,
}: {
  keyResultId: string;
  kind: string | null | undefined;
  initial?: string;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const history = useAllCheckIns(keyResultId);
  const live = correctable(history.data ?? []);
  if (history.isPending) return <Loading />;
  if (history.isError) return <ErrorView error={history.error} />;
  if (live.length === 0) return <Empty message={t("objective2.nothingToCorrect")} />;
  return (
    <CorrectionFields
      keyResultId={keyResultId}
      kind={kind}
      live={live}
      initial={initial && live.some((c) => c.check_in_id === initial) ? initial : live[0]!.check_in_id}
      onClose={onClose}
      lang={i18n.language}
    />
  );
}

function CorrectionFields({
  keyResultId,
  kind,
  live,
  initial,
  onClose,
  lang,
}: {
  keyResultId: string;
  kind: string | null | undefined;
  live: CheckInKnown[];
  initial: string;
  onClose: () => void;
  lang: string;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [corrects, setCorrects] = useState(initial);
  const [draft, setDraft] = useState<CheckInDraft>(() => draftOf(live.find((c) => c.check_in_id === initial)!));
  const [reason, setReason] = useState("");
  const refs = useRef<Partial<Record<Field, HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement | null>>>({});
  const key = `correct.${keyResultId}`;

  const submit = useMutation({
    mutationFn: () =>
      api.post<CheckInKnown>("checkins", "/v1/corrections", correctionBody(keyResultId, kind, corrects, draft, reason)),
    onSuccess: () => {
      const refresh = () => void queryClient.invalidateQueries();
      refresh();
      // The projections learn the correction from Kafka a moment later: read once more then.
      window.setTimeout(refresh, 1500);
    },
  });

  const errors = submit.error instanceof ApiError ? submit.error.fields : {};
  const unplaced = Object.entries(errors).filter(([f]) => !(FIELDS as readonly string[]).includes(f));

  useEffect(() => {
    const first = FIELDS.find((f) => errors[f]);
    if (first) refs.current[first]?.focus();
  }, [submit.error]);

  const pick = (id: string) => {
    setCorrects(id);
    const chosen = live.find((c) => c.check_in_id === id);
    if (chosen) setDraft(draftOf(chosen));
  };

  const valueOf = (field: Field) =>
    field === "corrects" ? corrects : field === "reason" ? reason : draft[field as keyof CheckInDraft];

  const props = (field: Field) => ({
    id: `${key}-${field}`,
    "data-testid": `correction-${field.replace("_", "-")}`,
    value: valueOf(field),
    "aria-invalid": Boolean(errors[field]),
    "aria-describedby": errors[field] ? `${key}-${field}-error` : undefined,
    className: errors[field] ? "invalid" : undefined,
    ref: (el: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement | null) => {
      refs.current[field] = el;
    },
    onChange: (e: { target: { value: string } }) => {
      if (field === "corrects") pick(e.target.value);
      else if (field === "reason") setReason(e.target.value);
      else setDraft({ ...draft, [field]: e.target.value });
    },
  });

  const fieldError = (field: Field) =>
    errors[field] ? (
      <span className="field-error" id={`${key}-${field}-error`} data-testid={`error-${field}`}>
        {errors[field]}
      </span>
    ) : null;

  if (submit.isSuccess) {
    return (
      <div className="checkin-done" role="status" data-testid="correction-done">
        <span>{t("objective2.corrected")}</span>{" "}
        <button type="button" className="link-button" onClick={onClose}>
          {t("checkin.close")}
        </button>
      </div>
    );
  }

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit.mutate();
  };

  return (
    <form className="checkin-form" onSubmit={onSubmit} noValidate aria-label={t("objective2.correctionLabel")} data-testid="correction-form">
      {submit.error && (
        <div role="alert" className="form-error" data-testid="correction-error">
          {submit.error instanceof ApiError ? submit.error.message : t("state.error")}
          {unplaced.map(([field, message]) => (
            <div key={field} data-testid={`error-${field}`}>
              {field}: {message}
            </div>
          ))}
        </div>
      )}
      <div className="field">
        <label htmlFor={`${key}-corrects`}>{t("objective2.corrects")}</label>
        <select {...props("corrects")}>
          {live.map((c) => (
            <option key={c.check_in_id} value={c.check_in_id}>
              {formatDateTime(c.effective_at, lang)} · {typeof c.value === "boolean" ? (c.value ? t("checkin.done") : t("checkin.notDone")) : String(c.value)}
            </option>
          ))}
        </select>
        {fieldError("corrects")}
      </div>
      <div className="field">
        <label htmlFor={`${key}-value`}>{t("checkin.value")}</label>
        {kind === "milestone" ? (
          <select {...props("value")}>
            <option value="">{t("checkin.choose")}</option>
            <option value="done">{t("checkin.done")}</option>
            <option value="not_done">{t("checkin.notDone")}</option>
          </select>
        ) : (
          <input type="text" inputMode="decimal" autoComplete="off" {...props("value")} />
        )}
        {fieldError("value")}
      </div>
      <div className="field">
        <label htmlFor={`${key}-confidence`}>{t("checkin.confidence")}</label>
        <input type="number" min={0} max={10} step={1} {...props("confidence")} />
        {fieldError("confidence")}
      </div>
      {(["progress", "plans", "problems"] as const).map((part) => (
        <div className="field" key={part}>
          <label htmlFor={`${key}-${part}`}>{t(`checkin.${part}`)}</label>
          <textarea rows={2} {...props(part)} />
          {fieldError(part)}
        </div>
      ))}
      <div className="field">
        <label htmlFor={`${key}-effective_at`}>{t("checkin.effectiveAt")}</label>
        <input type="datetime-local" step={1} {...props("effective_at")} />
        <span className="hint">{t("objective2.effectiveAtHint")}</span>
        {fieldError("effective_at")}
      </div>
      <div className="field">
        <label htmlFor={`${key}-reason`}>{t("objective2.reason")}</label>
        <textarea rows={2} required {...props("reason")} />
        <span className="hint">{t("objective2.reasonHint")}</span>
        {fieldError("reason")}
      </div>
      <div className="form-actions">
        <button type="submit" className="primary" data-testid="correction-submit" disabled={submit.isPending}>
          {submit.isPending ? t("checkin.sending") : t("objective2.submitCorrection")}
        </button>
        <button type="button" onClick={onClose}>
          {t("checkin.cancel")}
        </button>
      </div>
    </form>
  );
}
