import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { defaultFromLocale } from "../i18n";
import { request } from "../lib/api";
import { finishSignIn, speakerOf, type AuthConfig } from "../lib/oidc";
import { setSession, takeReturn } from "../lib/session";
import type { DirectoryPerson } from "../lib/types";
import { Loading } from "../components/States";

/** Where the identity provider sends the browser back with a code. */
export function OidcCallback() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [failure, setFailure] = useState<string | null>(null);
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    (async () => {
      const config = await request<AuthConfig>(null, "/auth/config", { anonymous: true });
      const tokens = await finishSignIn(config, window.location.search);
      const { personId, roles } = speakerOf(tokens.access_token, config);
      const expiresAt = tokens.expires_in ? Date.now() + tokens.expires_in * 1000 : null;
      const person = { person_id: personId, name: null, org_unit_id: null, locale: null, roles };
      const session = { token: tokens.access_token, expiresAt, person, idToken: tokens.id_token };
      setSession(session);
      const found = await request<DirectoryPerson>(
        "projections",
        `/v1/people/${encodeURIComponent(personId)}`,
      ).catch(() => null);
      if (found) {
        setSession({
          ...session,
          person: {
            ...person,
            name: found.name ?? null,
            org_unit_id: found.org_unit_id ?? null,
            locale: found.locale ?? null,
          },
        });
        defaultFromLocale(found.locale);
      }
      navigate(takeReturn(), { replace: true });
    })().catch((error: unknown) => setFailure(error instanceof Error ? error.message : String(error)));
  }, [navigate]);

  if (failure) {
    return (
      <section className="page narrow" role="alert">
        <h1>{t("signin.failed")}</h1>
        <p data-testid="signin-failure">{failure}</p>
        <p>
          <Link to="/signin">{t("signin.again")}</Link>
        </p>
      </section>
    );
  }
  return <Loading />;
}
