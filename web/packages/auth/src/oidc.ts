/**
 * Sign-in with OpenID Connect: authorization code with PKCE (oidc-client-ts),
 * against Cognito's hosted UI in AWS and the local identity provider locally.
 * Tokens live in sessionStorage and never in a URL: the callback's query is
 * removed from the address bar as soon as it is exchanged.
 */
import { type User, UserManager, WebStorageStateStore } from "oidc-client-ts";
import type { AppConfig } from "./config";

export const CALLBACK_PATH = "/auth/callback";

export function createUserManager(config: Pick<AppConfig, "oidc">, origin = window.location.origin): UserManager {
  return new UserManager({
    authority: config.oidc.authority,
    ...(config.oidc.metadataUrl ? { metadataUrl: config.oidc.metadataUrl } : {}),
    client_id: config.oidc.clientId,
    redirect_uri: `${origin}${CALLBACK_PATH}`,
    post_logout_redirect_uri: `${origin}/`,
    response_type: "code",
    scope: config.oidc.scope,
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
    loadUserInfo: false,
    // Cognito's ID token lasts an hour; the app asks to sign in again after it.
    automaticSilentRenew: false,
    monitorSession: false,
  });
}

/** The groups of the signed-in user (Cognito's `cognito:groups` claim of the ID token). */
export function groupsOf(user: User | null | undefined): string[] {
  const groups = user?.profile["cognito:groups"];
  return Array.isArray(groups) ? groups.filter((g): g is string => typeof g === "string") : [];
}

export function isAdmin(user: User | null | undefined): boolean {
  return groupsOf(user).includes("admin");
}

/** Where to go after sign-in: the page the user asked for, never another origin. */
export function safeReturnPath(state: unknown): string {
  const path = typeof state === "object" && state !== null ? (state as { returnTo?: unknown }).returnTo : undefined;
  return typeof path === "string" && path.startsWith("/") && !path.startsWith("//") && !path.startsWith(CALLBACK_PATH)
    ? path
    : "/";
}

/**
 * Finishes a sign-in on the callback page: exchanges the code, then replaces
 * the callback URL (code and state) with the page the user was going to.
 */
export async function completeSignIn(manager: UserManager): Promise<User> {
  try {
    const user = await manager.signinRedirectCallback();
    window.history.replaceState(null, "", safeReturnPath(user.state));
    return user;
  } catch (error) {
    window.history.replaceState(null, "", "/");
    throw error;
  }
}

/** The stored user, if the sign-in has not expired. */
export async function currentUser(manager: UserManager): Promise<User | null> {
  const user = await manager.getUser();
  if (!user || user.expired || !user.id_token) {
    if (user) await manager.removeUser();
    return null;
  }
  return user;
}
