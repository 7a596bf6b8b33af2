import { useMutation, useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { defaultFromLocale } from "../i18n";
import { request } from "../lib/api";
import { useAuthConfig } from "../lib/hooks";
import { type AuthConfig, startSignIn } from "../lib/oidc";
import { type Person, setSession, takeReturn } from "../lib/session";
import { Empty, ErrorView, Loading } from "../components/States";

interface DevPeople {
  tenant_id: string;
  people: Person[];
}

interface DevToken {
  access_token: string;
  expires_in: number;
  person: Person;
}

function DevSignIn() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const people = useQuery({
    queryKey: ["dev-people"],
    queryFn: () => request<DevPeople>(null, "/auth/dev/people", { anonymous: true }),
  });
  const signIn = useMutation({
    mutationFn: (personId: string) =>
      request<DevToken>(null, "/auth/dev/token", {
        method: "POST",
        body: { person_id: personId },
        anonymous: true,
      }),
    onSuccess: (answer) => {
      setSession({
        token: answer.access_token,
        expiresAt: Date.now() + answer.expires_in * 1000,
        person: answer.person,
      });
      defaultFromLocale(answer.person.locale);
      navigate(takeReturn(), { replace: true });
    },
  });

  if (people.isPending) return <Loading />;
  if (people.isError) return <ErrorView error={people.error} />;
  if (people.data.people.length === 0) return <Empty message={t("signin.noPeople")} />;
  return (
    <>
      <p>{t("signin.devHint")}</p>
      {signIn.isError && <ErrorView error={signIn.error} />}
      <ul className="people-list">
        {people.data.people.map((person) => (
          <li key={person.person_id}>
            <button
              type="button"
              className="person-button"
              data-testid={`signin-person-${person.person_id}`}
              disabled={signIn.isPending}
              onClick={() => signIn.mutate(person.person_id)}
            >
              <span className="person-name">{person.name ?? person.person_id}</span>
              <span className="person-meta">
                {person.person_id}
                {person.roles.length > 0 &&
                  ` · ${person.roles.map((r) => t(`role.${r}`, { defaultValue: r })).join(", ")}`}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}

function OidcSignIn({ config }: { config: AuthConfig }) {
  const { t } = useTranslation();
  const start = useMutation({ mutationFn: () => startSignIn(config) });
  return (
    <>
      {start.isError && <ErrorView error={start.error} />}
      <button
        type="button"
        className="primary"
        data-testid="signin-oidc"
        disabled={start.isPending}
        onClick={() => start.mutate()}
      >
        {t("signin.oidc")}
      </button>
    </>
  );
}

export function SignIn() {
  const { t } = useTranslation();
  const config = useAuthConfig();
  return (
    <section className="page narrow">
      <h1>{t("signin.title")}</h1>
      {config.isPending && <Loading />}
      {config.isError && <ErrorView error={config.error} />}
      {config.data?.mode === "development" && <DevSignIn />}
      {config.data?.mode === "oidc" && <OidcSignIn config={config.data} />}
    </section>
  );
}
