import { useTranslation } from "react-i18next";
import { useDownServices } from "../lib/hooks";

export function ServiceBanner() {
  const { t } = useTranslation();
  const down = useDownServices();
  if (down.length === 0) return null;
  return (
    <div className="service-banner" role="alert" data-testid="service-banner">
      {t("banner.down", {
        services: down.map((s) => t(`service.${s}`, { defaultValue: s })).join(", "),
      })}
    </div>
  );
}
