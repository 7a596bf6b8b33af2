/** Numbers, percentages and dates for the UI's locale, through Intl. */

export type Lang = "en" | "zh";

export function intlLocale(lang: string): string {
  return lang === "zh" ? "zh-CN" : "en-GB";
}

export function formatPercent(
  fraction: number | null | undefined,
  lang: string,
  digits = 0,
): string {
  if (fraction === null || fraction === undefined || Number.isNaN(fraction)) return "–";
  return new Intl.NumberFormat(intlLocale(lang), {
    style: "percent",
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(fraction);
}

export function formatNumber(value: number | null | undefined, lang: string): string {
  if (value === null || value === undefined) return "–";
  return new Intl.NumberFormat(intlLocale(lang), { maximumFractionDigits: 2 }).format(value);
}

export function formatDateTime(value: string | Date | null | undefined, lang: string): string {
  if (!value) return "–";
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return "–";
  return new Intl.DateTimeFormat(intlLocale(lang), {
    dateStyle: "medium",
    timeStyle: "short",
  }).format(date);
}

export function formatDate(value: string | null | undefined, lang: string): string {
  if (!value) return "–";
  const date = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) return "–";
  return new Intl.DateTimeFormat(intlLocale(lang), { dateStyle: "medium", timeZone: "UTC" }).format(
    date,
  );
}

/** A `datetime-local` value (local wall time) as an ISO instant with offset. */
export function localInputToIso(value: string): string | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** An instant as a `datetime-local` value in the browser's time zone, to the second. */
export function isoToLocalInput(value: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}` +
    `T${pad(value.getHours())}:${pad(value.getMinutes())}:${pad(value.getSeconds())}`
  );
}

/** zh-* locales of the directory map to Chinese, everything else to English. */
export function langOfLocale(locale: string | null | undefined): Lang {
  return locale && locale.toLowerCase().startsWith("zh") ? "zh" : "en";
}
