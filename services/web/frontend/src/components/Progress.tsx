import { useTranslation } from "react-i18next";
import { formatPercent } from "../lib/format";

export function ProgressBar({ value, testId }: { value: number | null | undefined; testId?: string }) {
  const { t, i18n } = useTranslation();
  const pct = Math.max(0, Math.min(1, value ?? 0));
  return (
    <span className="progress">
      <span
        className="progress-track"
        role="progressbar"
        aria-label={t("progress.label")}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(pct * 100)}
      >
        <span className="progress-fill" style={{ width: `${pct * 100}%` }} />
      </span>
      <span className="progress-text" data-testid={testId}>
        {formatPercent(value, i18n.language)}
      </span>
    </span>
  );
}

const BANDS = ["on_track", "at_risk", "off_track"] as const;

export function ConfidenceBadge({
  band,
  confidence,
}: {
  band: string | null | undefined;
  confidence?: number | null;
}) {
  const { t } = useTranslation();
  if (!band || !(BANDS as readonly string[]).includes(band)) {
    return <span className="badge badge-none">{t("confidence.none")}</span>;
  }
  return (
    <span className={`badge badge-${band}`}>
      {t(`confidence.${band}`)}
      {confidence !== null && confidence !== undefined && ` · ${confidence}/10`}
    </span>
  );
}
