import { useTranslation } from "react-i18next";
import { ApiError } from "../lib/problems";

export function Loading() {
  const { t } = useTranslation();
  return (
    <p role="status" className="state-loading">
      {t("state.loading")}
    </p>
  );
}

export function Empty({ message }: { message: string }) {
  return <p className="state-empty">{message}</p>;
}

/** An error as the API explained it (problem details `detail`), or a plain failure. */
export function ErrorView({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const detail =
    error instanceof ApiError
      ? (error.problem.detail ?? error.problem.title ?? t("state.error"))
      : t("state.error");
  return (
    <div role="alert" className="state-error">
      <strong>{t("state.errorTitle")}</strong> <span>{detail}</span>
    </div>
  );
}
