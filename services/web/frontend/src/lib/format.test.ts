import { describe, expect, it } from "vitest";
import {
  formatDate,
  formatNumber,
  formatPercent,
  isoToLocalInput,
  langOfLocale,
  localInputToIso,
} from "./format";

describe("formatting per locale", () => {
  it("formats percentages from fractions", () => {
    expect(formatPercent(0.42, "en")).toBe("42%");
    expect(formatPercent(0.4249, "zh")).toBe("42%");
    expect(formatPercent(1, "en")).toBe("100%");
    expect(formatPercent(0.32471, "en", 1)).toBe("32.5%");
    expect(formatPercent(null, "en")).toBe("–");
  });

  it("groups digits for the locale", () => {
    expect(formatNumber(130000, "en")).toBe("130,000");
    expect(formatNumber(1234.567, "zh")).toBe("1,234.57");
  });

  it("writes dates the way each language reads them", () => {
    expect(formatDate("2026-12-01", "en")).toBe("1 Dec 2026");
    expect(formatDate("2026-12-01", "zh")).toBe("2026年12月1日");
    expect(formatDate(null, "zh")).toBe("–");
  });

  it("maps directory locales to the two languages", () => {
    expect(langOfLocale("zh-CN")).toBe("zh");
    expect(langOfLocale("zh-Hant-TW")).toBe("zh");
    expect(langOfLocale("pt-BR")).toBe("en");
    expect(langOfLocale(null)).toBe("en");
  });

  it("round-trips a datetime-local value through an ISO instant", () => {
    const iso = localInputToIso("2026-11-03T09:30:15");
    expect(iso).not.toBeNull();
    expect(isoToLocalInput(new Date(iso!))).toBe("2026-11-03T09:30:15");
    expect(localInputToIso("")).toBeNull();
  });
});
