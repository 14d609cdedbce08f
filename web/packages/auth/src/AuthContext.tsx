import type { User, UserManager } from "oidc-client-ts";
import { createContext, useCallback, useContext, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from "react";

export interface Auth {
  user: User | null;
  /** The bearer token for the API: the user's ID token (the API checks its audience and groups). */
  getToken: () => string | undefined;
  /** Sends the browser to the identity provider; back afterwards to `returnTo` (this page by default). */
  signIn: (returnTo?: string) => Promise<void>;
  signOut: () => Promise<void>;
  /** Set when the API said the sign-in is no longer valid; pages stay as they are. */
  sessionEnded: boolean;
  endSession: () => void;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({
  manager,
  initialUser,
  logoutUrl,
  onSignOut,
  children,
}: {
  manager: UserManager;
  /** What the app forgets before the sign-out leaves the page (the storefront's cart id). */
  onSignOut?: (() => void | Promise<void>) | undefined;
  initialUser: User | null;
  /** The identity provider's own sign-out page, where discovery names none (Cognito's hosted UI). */
  logoutUrl?: string | undefined;
  children: ReactNode;
}) {
  const [user, setUser] = useState<User | null>(initialUser);
  const [sessionEnded, setSessionEnded] = useState(false);
  const userRef = useRef(user);
  useLayoutEffect(() => {
    userRef.current = user;
  }, [user]);

  useEffect(() => {
    const loaded = (u: User) => {
      userRef.current = u;
      setUser(u);
      setSessionEnded(false);
    };
    const unloaded = () => setUser(null);
    const expired = () => setSessionEnded(true);
    manager.events.addUserLoaded(loaded);
    manager.events.addUserUnloaded(unloaded);
    manager.events.addAccessTokenExpired(expired);
    return () => {
      manager.events.removeUserLoaded(loaded);
      manager.events.removeUserUnloaded(unloaded);
      manager.events.removeAccessTokenExpired(expired);
    };
  }, [manager]);

  const signIn = useCallback(
    (returnTo?: string) =>
      manager.signinRedirect({ state: { returnTo: returnTo ?? window.location.pathname + window.location.search } }),
    [manager],
  );

  const signOut = useCallback(async () => {
    const idToken = userRef.current?.id_token;
    await onSignOut?.();
    await manager.removeUser();
    if (logoutUrl) {
      // Cognito's hosted UI ends its session at /logout, then returns here.
      window.location.assign(logoutUrl);
      return;
    }
    try {
      // Ends the identity provider's session too, where it offers an end-session endpoint.
      await manager.signoutRedirect(idToken ? { id_token_hint: idToken } : {});
    } catch {
      // No end-session endpoint and no logout URL: the local sign-out is what there is.
      window.location.assign("/");
    }
  }, [manager, logoutUrl, onSignOut]);

  const value = useMemo<Auth>(
    () => ({
      user,
      getToken: () => userRef.current?.id_token,
      signIn,
      signOut,
      sessionEnded,
      endSession: () => setSessionEnded(true),
    }),
    [user, signIn, signOut, sessionEnded],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error("useAuth needs an <AuthProvider> above it");
  return auth;
}
