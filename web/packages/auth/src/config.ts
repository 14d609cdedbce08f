/**
 * The runtime configuration every web app shares, read from /config.json at
 * start so that one build serves every stage (local, and each AWS stage).
 * Checked by hand rather than with zod, to keep zod out of the first load.
 * An app with settings of its own (the storefront's payments) reads them
 * from the same JSON after `parseConfig` (see `fetchConfigJson`).
 */
export interface AppConfig {
  stage: string;
  apiUrl: string;
  oidc: {
    /** The issuer: the Cognito user pool's in AWS. */
    authority: string;
    /** The discovery document, when it is not under the issuer (the local identity provider). */
    metadataUrl?: string | undefined;
    clientId: string;
    scope: string;
    /**
     * Cognito's hosted UI sign-out (`https://<domain>/logout`), which its
     * discovery document does not name; absent where discovery names an
     * end-session endpoint (the local identity provider).
     */
    logoutUrl?: string | undefined;
  };
}

/** Where to send the browser to end the identity provider's session too, if the config names it. */
export function hostedLogoutUrl(config: AppConfig, origin: string): string | undefined {
  if (!config.oidc.logoutUrl) return undefined;
  const url = new URL(config.oidc.logoutUrl);
  url.searchParams.set("client_id", config.oidc.clientId);
  url.searchParams.set("logout_uri", `${origin}/`);
  return url.toString();
}

function isUrl(value: unknown): value is string {
  if (typeof value !== "string") return false;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

const nonEmpty = (value: unknown): value is string => typeof value === "string" && value.trim() !== "";

export function parseConfig(value: unknown): AppConfig {
  const problems: string[] = [];
  const root = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  const oidc = (typeof root.oidc === "object" && root.oidc !== null ? root.oidc : {}) as Record<string, unknown>;
  if (!nonEmpty(root.stage)) problems.push("stage: required");
  if (!isUrl(root.apiUrl)) problems.push("apiUrl: must be an http(s) URL");
  if (!nonEmpty(oidc.authority)) problems.push("oidc.authority: required");
  if (oidc.metadataUrl !== undefined && !isUrl(oidc.metadataUrl)) problems.push("oidc.metadataUrl: must be an http(s) URL");
  if (!nonEmpty(oidc.clientId)) problems.push("oidc.clientId: required");
  if (oidc.scope !== undefined && !nonEmpty(oidc.scope)) problems.push("oidc.scope: must be a non-empty string");
  if (oidc.logoutUrl !== undefined && !isUrl(oidc.logoutUrl)) problems.push("oidc.logoutUrl: must be an http(s) URL");
  if (problems.length > 0) throw new Error(`config.json is not valid: ${problems.join("; ")}`);
  return {
    stage: root.stage as string,
    apiUrl: (root.apiUrl as string).replace(/\/+$/, ""),
    oidc: {
      authority: oidc.authority as string,
      metadataUrl: oidc.metadataUrl as string | undefined,
      clientId: oidc.clientId as string,
      scope: (oidc.scope as string | undefined) ?? "openid email profile",
      logoutUrl: oidc.logoutUrl as string | undefined,
    },
  };
}

/** The app's /config.json as JSON, not yet checked. */
export async function fetchConfigJson(fetchImpl: typeof fetch = fetch): Promise<unknown> {
  const response = await fetchImpl("/config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`config.json could not be loaded (HTTP ${response.status})`);
  return response.json();
}

export async function loadConfig(fetchImpl: typeof fetch = fetch): Promise<AppConfig> {
  return parseConfig(await fetchConfigJson(fetchImpl));
}
