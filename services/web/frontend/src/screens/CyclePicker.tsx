import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { formatDate } from "../lib/format";
import { useCycles } from "../lib/queries";

/** Switches the page to another cycle. */
export function CyclePicker({ current, to }: { current: string | undefined; to: string }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const cycles = useCycles();
  if (!cycles.data || cycles.data.length === 0) return null;
  const cycle = cycles.data.find((c) => c.cycle_id === current);
  return (
    <div className="cycle-picker">
      <label htmlFor="cycle-picker">{t("cycle.label")}</label>
      <select
        id="cycle-picker"
        value={current}
        onChange={(e) => navigate(`/${to}/${encodeURIComponent(e.target.value)}`)}
      >
        {cycles.data.map((c) => (
          <option key={c.cycle_id} value={c.cycle_id}>
            {c.name}
          </option>
        ))}
      </select>
      {cycle && (
        <span className="cycle-meta">
          {t(`cycleState.${cycle.state}`)} · {formatDate(cycle.starts_on, i18n.language)} –{" "}
          {formatDate(cycle.ends_on, i18n.language)}
        </span>
      )}
    </div>
  );
}
