import { useTranslation } from "react-i18next";
import { NavLink, Outlet, useNavigate } from "react-router";
import { chooseLang } from "../i18n";
import { useAuthConfig, useSession } from "../lib/hooks";
import { signOutUrl } from "../lib/oidc";
import { clearSession } from "../lib/session";
import { ServiceBanner } from "./ServiceBanner";

export function Layout() {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const navigate = useNavigate();
  const lang = i18n.language;

  const auth = useAuthConfig();

  const signOut = async () => {
    const idToken = session?.idToken;
    clearSession();
    const config = auth.data;
    const away = config?.mode === "oidc" ? await signOutUrl(config, idToken).catch(() => null) : null;
    if (away) window.location.assign(away);
    else navigate("/signin");
  };

  return (
    <>
      <a className="skip-link" href="#main">
        {t("nav.skip")}
      </a>
      <header className="app-header">
        <span className="brand">{t("app.name")}</span>
        {session && (
          <nav aria-label={t("nav.label")} className="main-nav">
            <NavLink to="/my" data-testid="nav-my-okrs">
              {t("nav.myOkrs")}
            </NavLink>
            <NavLink to="/tree" data-testid="nav-tree">
              {t("nav.tree")}
            </NavLink>
            <NavLink to="/dashboard" data-testid="nav-dashboard">
              {t("nav.dashboard")}
            </NavLink>
            <NavLink to="/history" data-testid="nav-history">
              {t("nav.history")}
            </NavLink>
            <NavLink to="/grading" data-testid="nav-grading">
              {t("grading.nav")}
            </NavLink>
            <NavLink to="/rewards" data-testid="nav-rewards">
              {t("rewards.nav")}
            </NavLink>
            <NavLink to="/conversations" data-testid="nav-conversations">
              {t("conversations.nav")}
            </NavLink>
            {session.person.roles.includes("admin") && (
              <NavLink to="/admin" data-testid="nav-admin">
                {t("admin.nav")}
              </NavLink>
            )}
          </nav>
        )}
        <div className="header-tools">
          <div role="group" aria-label={t("lang.label")} className="lang-switch">
            <button
              type="button"
              data-testid="lang-en"
              aria-pressed={lang === "en"}
              onClick={() => chooseLang("en")}
              lang="en"
            >
              {t("lang.en")}
            </button>
            <button
              type="button"
              data-testid="lang-zh"
              aria-pressed={lang === "zh"}
              onClick={() => chooseLang("zh")}
              lang="zh-CN"
            >
              {t("lang.zh")}
            </button>
          </div>
          {session && (
            <>
              <span data-testid="whoami" className="whoami" title={session.person.person_id}>
                {session.person.name ?? session.person.person_id}
              </span>
              <button type="button" className="link-button" onClick={signOut}>
                {t("nav.signOut")}
              </button>
            </>
          )}
        </div>
      </header>
      <ServiceBanner />
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
