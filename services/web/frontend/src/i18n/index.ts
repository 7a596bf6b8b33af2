/** i18next set up with the two catalogues; the chosen language is remembered in localStorage. */

import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import en from "./en.json";
import zh from "./zh.json";
import { type Lang, langOfLocale } from "../lib/format";
import { getSession } from "../lib/session";

const KEY = "okr.lang";

function storedLang(): Lang | null {
  const value = localStorage.getItem(KEY);
  return value === "en" || value === "zh" ? value : null;
}

function applyDocumentLang(lang: string): void {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
}

export const resources = { en: { translation: en }, zh: { translation: zh } } as const;

void i18n.use(initReactI18next).init({
  resources,
  lng: storedLang() ?? langOfLocale(getSession()?.person.locale),
  fallbackLng: false,
  interpolation: { escapeValue: false },
  returnNull: false,
});
applyDocumentLang(i18n.language);
i18n.on("languageChanged", applyDocumentLang);

/** The user picked a language: use it now and from now on. */
export function chooseLang(lang: Lang): void {
  localStorage.setItem(KEY, lang);
  void i18n.changeLanguage(lang);
}

/** A signed-in person's directory locale sets the language unless one was chosen before. */
export function defaultFromLocale(locale: string | null | undefined): void {
  if (!storedLang()) void i18n.changeLanguage(langOfLocale(locale));
}

export default i18n;
