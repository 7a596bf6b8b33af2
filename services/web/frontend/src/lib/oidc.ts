/** OpenID Connect authorization code flow with PKCE, for a public client in the browser. */

import { codeChallenge, randomVerifier } from "./pkce";

export interface AuthConfig {
  mode: "development" | "oidc";
  issuer: string | null;
  client_id: string | null;
  scopes: string;
  /** The claim naming the person in the directory (`sub` unless configured). */
  person_claim: string;
  /** The claim listing the roles, as a dotted path (`realm_access.roles`). */
  roles_claim: string;
}

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
  end_session_endpoint?: string;
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
  id_token?: string;
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

/** The claims of a JWT, unverified (the services verify it; the UI only reads who and roles). */
export function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split(".")[1] ?? "";
  const binary = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

/** The claim at a dotted path, as the services read it: a claim named with dots wins. */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  if (path in claims) return claims[path];
  let value: unknown = claims;
  for (const part of path.split(".")) {
    if (typeof value !== "object" || value === null || !(part in value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Who the token speaks for and the roles it carries, by the claims the services read. */
export function speakerOf(token: string, config: AuthConfig): { personId: string; roles: string[] } {
  const claims = claimsOf(token);
  const person = claimAt(claims, config.person_claim);
  if (typeof person !== "string" || !person.trim()) {
    throw new Error(`the token has no '${config.person_claim}' claim`);
  }
  const roles = claimAt(claims, config.roles_claim);
  const list = typeof roles === "string" ? roles.split(/\s+/) : Array.isArray(roles) ? roles : [];
  return { personId: person, roles: list.map(String).filter(Boolean) };
}

/** Where to send the browser to end the provider's session too, or null when it has no such
 * endpoint; the provider then returns to the sign-in page. */
export async function signOutUrl(config: AuthConfig, idToken: string | undefined): Promise<string | null> {
  if (!config.issuer) return null;
  const discovery = await discover(config.issuer);
  if (!discovery.end_session_endpoint) return null;
  const params = new URLSearchParams({ post_logout_redirect_uri: `${window.location.origin}/signin` });
  if (config.client_id) params.set("client_id", config.client_id);
  if (idToken) params.set("id_token_hint", idToken);
  return `${discovery.end_session_endpoint}?${params}`;
}
