import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../lib/api";
import { kudosRecipients } from "../lib/grading";
import { ApiError } from "../lib/problems";
import type { Kudos } from "../lib/rewardsTypes";
import type { ObjectiveProgress } from "../lib/types";

export interface KudosDraft {
  objective_id: string;
  key_result_id: string;
  recipient_id: string;
  message: string;
  points: string;
}

const newId = () =>
  typeof crypto !== "undefined" && typeof crypto.randomUUID === "function"
    ? crypto.randomUUID()
    : "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
        (Number(c) ^ (Math.random() * 16) >> (Number(c) / 4)).toString(16),
      );

/** The request body; an empty key result or recipient is left out (the service's defaults), a
 * points value that is not a whole number goes as typed so the API names the field. */
export function kudosBody(d: KudosDraft, kudosId: string) {
  const points = d.points.trim();
  return {
    objective_id: d.objective_id,
    ...(d.key_result_id ? { key_result_id: d.key_result_id } : {}),
    ...(d.recipient_id ? { recipient_id: d.recipient_id } : {}),
    message: d.message,
    points: /^\d+$/.test(points) ? Number(points) : points || 1,
    kudos_id: kudosId,
  };
}

const FIELDS = ["objective_id", "key_result_id", "recipient_id", "message", "points"] as const;
type Field = (typeof FIELDS)[number];
const EMPTY: KudosDraft = { objective_id: "", key_result_id: "", recipient_id: "", message: "", points: "1" };

export function KudosForm({
  objectives,
  nameOf,
  budget,
}: {
  objectives: ObjectiveProgress[];
  nameOf: (id: string) => string;
  budget: number | undefined;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<KudosDraft>(EMPTY);
  const [kudosId, setKudosId] = useState(newId);
  const refs = useRef<Partial<Record<Field, HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement | null>>>({});

  const objective = objectives.find((o) => o.objective_id === draft.objective_id);
  const recipients = useMemo(
    () => (objective ? kudosRecipients(objective, draft.key_result_id || null) : []),
    [objective, draft.key_result_id],
  );

  const submit = useMutation({
    mutationFn: () => api.post<Kudos>("incentives", "/v1/kudos", kudosBody(draft, kudosId)),
    onSuccess: () => {
      const refresh = () => {
        void queryClient.invalidateQueries({ queryKey: ["recognition"] });
        void queryClient.invalidateQueries({ queryKey: ["recognition-wall"] });
      };
      refresh();
      // The wall is a projection: it learns the kudos from Kafka a moment later.
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
    if (field === "objective_id") Object.assign(next, { key_result_id: "", recipient_id: "" });
    if (field === "key_result_id") next.recipient_id = "";
    setDraft(next);
  };

  const props = (field: Field) => ({
    id: `kudos-${field}`,
    "data-testid": `kudos-${field.replace(/_id$/, "").replace(/_/g, "-")}`,
    value: draft[field],
    "aria-invalid": Boolean(errors[field]),
    "aria-describedby": errors[field] ? `kudos-${field}-error` : undefined,
    className: errors[field] ? "invalid" : undefined,
    ref: (el: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement | null) => {
      refs.current[field] = el;
    },
    onChange: (e: { target: { value: string } }) => change(field, e.target.value),
  });
  const fieldError = (field: Field) =>
    errors[field] ? (
      <span className="field-error" id={`kudos-${field}-error`} data-testid={`error-${field}`}>
        {errors[field]}
      </span>
    ) : null;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit.mutate();
  };

  if (submit.isSuccess) {
    return (
      <div className="checkin-done" role="status" data-testid="kudos-done">
        <span>{t("rewards.kudosSent", { name: nameOf(submit.data.recipient_id) })}</span>{" "}
        <button
          type="button"
          className="link-button"
          onClick={() => {
            setDraft(EMPTY);
            setKudosId(newId());
            submit.reset();
          }}
        >
          {t("rewards.kudosAnother")}
        </button>
      </div>
    );
  }

  return (
    <form className="checkin-form" onSubmit={onSubmit} noValidate aria-label={t("rewards.kudosForm")}>
      {submit.error && (
        <div role="alert" className="form-error" data-testid="kudos-error">
          {submit.error instanceof ApiError ? submit.error.message : t("state.error")}
          {unplaced.map(([field, message]) => (
            <div key={field} data-testid={`error-${field}`}>
              {field}: {message}
            </div>
          ))}
        </div>
      )}
      <div className="field">
        <label htmlFor="kudos-objective_id">{t("rewards.objective")}</label>
        <select {...props("objective_id")}>
          <option value="">{t("rewards.choose")}</option>
          {objectives.map((o) => (
            <option key={o.objective_id} value={o.objective_id}>
              {o.title ?? o.objective_id}
            </option>
          ))}
        </select>
        {fieldError("objective_id")}
      </div>
      <div className="field">
        <label htmlFor="kudos-key_result_id">{t("rewards.keyResult")}</label>
        <select {...props("key_result_id")} disabled={!objective}>
          <option value="">{t("rewards.wholeObjective")}</option>
          {(objective?.key_results ?? []).map((kr) => (
            <option key={kr.key_result_id} value={kr.key_result_id}>
              {kr.title ?? kr.key_result_id}
            </option>
          ))}
        </select>
        {fieldError("key_result_id")}
      </div>
      <div className="field">
        <label htmlFor="kudos-recipient_id">{t("rewards.recipient")}</label>
        <select {...props("recipient_id")} disabled={!objective}>
          <option value="">
            {recipients[0] ? t("rewards.defaultRecipient", { name: nameOf(recipients[0]) }) : t("rewards.choose")}
          </option>
          {recipients.map((p) => (
            <option key={p} value={p}>
              {nameOf(p)}
            </option>
          ))}
        </select>
        {fieldError("recipient_id")}
      </div>
      <div className="field">
        <label htmlFor="kudos-points">{t("rewards.points")}</label>
        <input type="number" min={1} step={1} inputMode="numeric" {...props("points")} />
        {budget !== undefined && <span className="hint">{t("rewards.budgetHint", { budget })}</span>}
        {fieldError("points")}
      </div>
      <div className="field wide-field">
        <label htmlFor="kudos-message">{t("rewards.message")}</label>
        <textarea rows={2} {...props("message")} />
        {fieldError("message")}
      </div>
      <div className="form-actions">
        <button type="submit" className="primary" data-testid="kudos-submit" disabled={submit.isPending}>
          {submit.isPending ? t("rewards.sending") : t("rewards.give")}
        </button>
      </div>
    </form>
  );
}
