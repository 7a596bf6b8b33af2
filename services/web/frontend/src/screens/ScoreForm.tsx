import { useEffect, useRef, useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../lib/api";
import { formatNumber } from "../lib/format";
import { needsRemark, scoreSteps } from "../lib/grading";
import type { KeyResultReview, Review, RuleSet } from "../lib/gradingTypes";
import { ApiError } from "../lib/problems";

export type ScoreKind = "self" | "manager";

/** The request body: the score as a number, the remark when one was written. */
export function scoreBody(score: string, remark: string, expectedVersion: number) {
  const trimmed = remark.trim();
  return {
    score: Number(score),
    ...(trimmed ? { remark: trimmed } : {}),
    expected_version: expectedVersion,
  };
}

const FIELDS = ["score", "remark"] as const;
type Field = (typeof FIELDS)[number];

/** A self-assessment (the key result's owner) or a manager's override (someone above them). */
export function ScoreForm({
  review,
  kr,
  kind,
  rules,
  onClose,
}: {
  review: Review;
  kr: KeyResultReview;
  kind: ScoreKind;
  rules: RuleSet;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const queryClient = useQueryClient();
  const [score, setScore] = useState(() => String(kr.score));
  const [remark, setRemark] = useState("");
  const refs = useRef<Partial<Record<Field, HTMLSelectElement | HTMLTextAreaElement | null>>>({});
  const closeRef = useRef<HTMLButtonElement | null>(null);
  const id = `score-${kind}-${kr.key_result_id}`;
  const path = `/v1/reviews/${encodeURIComponent(review.review_id)}/key-results/${encodeURIComponent(
    kr.key_result_id,
  )}/${kind}-score`;

  const submit = useMutation({
    mutationFn: () => api.post<Review>("reviews", path, scoreBody(score, remark, review.version)),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["reviews", review.cycle_id] }),
    onError: (error) => {
      if (error instanceof ApiError && error.status === 409) {
        void queryClient.invalidateQueries({ queryKey: ["reviews", review.cycle_id] });
      }
    },
  });

  const errors = submit.error instanceof ApiError ? submit.error.fields : {};
  // The opening button goes away with the form open: the focus moves into the form.
  useEffect(() => {
    refs.current.score?.focus();
  }, []);
  useEffect(() => {
    const first = FIELDS.find((f) => errors[f]);
    if (first) refs.current[first]?.focus();
  }, [submit.error]);
  useEffect(() => {
    if (submit.isSuccess) closeRef.current?.focus();
  }, [submit.isSuccess]);

  const remarkNeeded =
    kind === "manager" || needsRemark(Number(score), kr.suggested_score, rules.remark_threshold);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit.mutate();
  };

  const props = (field: Field) => ({
    id: `${id}-${field}`,
    "data-testid": `${id}-${field}`,
    "aria-invalid": Boolean(errors[field]),
    "aria-describedby": errors[field] ? `${id}-${field}-error` : `${id}-${field}-hint`,
    className: errors[field] ? "invalid" : undefined,
    ref: (el: HTMLSelectElement | HTMLTextAreaElement | null) => {
      refs.current[field] = el;
    },
  });

  const fieldError = (field: Field) =>
    errors[field] ? (
      <span className="field-error" id={`${id}-${field}-error`} data-testid={`error-${field}`}>
        {errors[field]}
      </span>
    ) : null;

  if (submit.isSuccess) {
    return (
      <div className="checkin-done" role="status" data-testid={`${id}-done`}>
        <span>{t("grading.scored")}</span>{" "}
        <button type="button" className="link-button" ref={closeRef} data-testid={`${id}-close`} onClick={onClose}>
          {t("grading.close")}
        </button>
      </div>
    );
  }

  return (
    <form
      className="checkin-form"
      onSubmit={onSubmit}
      noValidate
      aria-label={t(kind === "self" ? "grading.selfForm" : "grading.managerForm")}
      data-testid={id}
    >
      {submit.error && (
        <div role="alert" className="form-error">
          {submit.error instanceof ApiError ? submit.error.message : t("state.error")}
        </div>
      )}
      <div className="field">
        <label htmlFor={`${id}-score`}>{t("grading.score")}</label>
        <select {...props("score")} value={score} onChange={(e) => setScore(e.target.value)}>
          {scoreSteps(rules.step).map((s) => (
            <option key={s} value={String(s)}>
              {formatNumber(s, lang)}
            </option>
          ))}
        </select>
        <span className="hint" id={`${id}-score-hint`}>
          {t("grading.suggestedHint", { score: formatNumber(kr.suggested_score, lang) })}
        </span>
        {fieldError("score")}
      </div>
      <div className="field">
        <label htmlFor={`${id}-remark`}>
          {t(remarkNeeded ? "grading.remarkRequired" : "grading.remark")}
        </label>
        <textarea rows={2} {...props("remark")} value={remark} onChange={(e) => setRemark(e.target.value)} />
        <span className="hint" id={`${id}-remark-hint`}>
          {kind === "manager"
            ? t("grading.remarkManagerHint")
            : t("grading.remarkHint", { threshold: formatNumber(rules.remark_threshold, lang) })}
        </span>
        {fieldError("remark")}
      </div>
      <div className="form-actions">
        <button type="submit" className="primary" data-testid={`${id}-submit`} disabled={submit.isPending}>
          {submit.isPending ? t("grading.sending") : t(kind === "self" ? "grading.submitSelf" : "grading.submitManager")}
        </button>
        <button type="button" onClick={onClose}>
          {t("grading.cancel")}
        </button>
      </div>
    </form>
  );
}
