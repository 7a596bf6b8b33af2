/** OpenID Connect authorization code flow with PKCE, for a public client in the browser. */

import { codeChallenge, randomVerifier } from "./pkce";

export interface AuthConfig {
  mode: "development" | "oidc";
  issuer: string | null;
  client_id: string | null;
  scopes: string;
}

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
}

const PENDING = "okr.oidc.pending";

async function discover(issuer: string): Promise<Discovery> {
  const response = await fetch(`${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`discovery failed: ${response.status}`);
  return (await response.json()) as Discovery;
}

function redirectUri(): string {
  return `${window.location.origin}/signin/callback`;
}

/** Sends the browser to the identity provider. */
export async function startSignIn(config: AuthConfig): Promise<void> {
  if (!config.issuer || !config.client_id) throw new Error("OIDC is not configured");
  const discovery = await discover(config.issuer);
  const verifier = randomVerifier();
  const state = randomVerifier(16);
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state }));
  const params = new URLSearchParams({
    response_type: "code",
    client_id: config.client_id,
    redirect_uri: redirectUri(),
    scope: config.scopes || "openid",
    state,
    code_challenge: await codeChallenge(verifier),
    code_challenge_method: "S256",
  });
  window.location.assign(`${discovery.authorization_endpoint}?${params}`);
}

export interface Tokens {
  access_token: string;
  expires_in?: number;
}

/** Exchanges the code the provider sent back for tokens; checks `state`. */
export async function finishSignIn(config: AuthConfig, search: string): Promise<Tokens> {
  const params = new URLSearchParams(search);
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? "null") as {
    verifier: string;
    state: string;
  } | null;
  sessionStorage.removeItem(PENDING);
  const code = params.get("code");
  if (params.get("error")) throw new Error(params.get("error_description") ?? params.get("error")!);
  if (!pending || !code || params.get("state") !== pending.state) {
    throw new Error("the sign-in answer does not match the request");
  }
  if (!config.issuer || !config.client_id) throw new Error("OIDC is not configured");
  const discovery = await discover(config.issuer);
  const response = await fetch(discovery.token_endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri(),
      client_id: config.client_id,
      code_verifier: pending.verifier,
    }),
  });
  if (!response.ok) throw new Error(`token exchange failed: ${response.status}`);
  return (await response.json()) as Tokens;
}

/** The claims of a JWT, unverified (the services verify it; the UI only reads `sub`). */
export function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split(".")[1] ?? "";
  const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
  return JSON.parse(json) as Record<string, unknown>;
}
