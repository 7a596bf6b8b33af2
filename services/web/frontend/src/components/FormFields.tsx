/** Problem details at the field for the admin and one-to-one forms: the message under the field
 * the pointer names (`error-<field>`), the field marked invalid and the first one focused. */

import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../lib/problems";

export type Errors = Record<string, string>;

/** The API's field errors of a failed request, with errors found before sending on top. */
export function errorsOf(error: unknown, local: Errors = {}): Errors {
  return { ...(error instanceof ApiError ? error.fields : {}), ...local };
}

export function fieldProps(prefix: string, field: string, errors: Errors) {
  return {
    id: `${prefix}-${field}`,
    "aria-invalid": Boolean(errors[field]),
    "aria-describedby": errors[field] ? `${prefix}-${field}-error` : undefined,
    className: errors[field] ? "invalid" : undefined,
  };
}

export function FieldError({ prefix, field, errors }: { prefix: string; field: string; errors: Errors }) {
  if (!errors[field]) return null;
  return (
    <span className="field-error" id={`${prefix}-${field}-error`} data-testid={`error-${field}`}>
      {errors[field]}
    </span>
  );
}

/** Focuses the first field (in the form's order) that has an error, whenever the errors change. */
export function useFocusFirstError(prefix: string, order: readonly string[], errors: Errors) {
  const first = order.find((f) => errors[f]);
  const signature = JSON.stringify(errors);
  useEffect(() => {
    if (first) document.getElementById(`${prefix}-${first}`)?.focus();
  }, [prefix, first, signature]);
}

/** The refusal's message, and the field errors no field of the form shows. */
export function FormProblem({
  error,
  fields,
  testId,
}: {
  error: unknown;
  fields: readonly string[];
  testId?: string;
}) {
  const { t } = useTranslation();
  if (!error) return null;
  const unplaced = Object.entries(errorsOf(error)).filter(([f]) => !fields.includes(f));
  return (
    <div role="alert" className="form-error" data-testid={testId}>
      {error instanceof ApiError ? error.message : t("state.error")}
      {unplaced.map(([field, message]) => (
        <div key={field} data-testid={`error-${field}`}>
          {field}: {message}
        </div>
      ))}
    </div>
  );
}
