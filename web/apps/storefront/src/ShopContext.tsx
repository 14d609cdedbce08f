/** What the whole storefront reads: its config.json, and why the last sign-in failed (if it did). */
import { createContext, useContext, type ReactNode } from "react";
import type { StorefrontConfig } from "./config";

const ConfigContext = createContext<StorefrontConfig | null>(null);
const SignInErrorContext = createContext<string | undefined>(undefined);

export function ShopContextProvider({ config, signInError, children }: { config: StorefrontConfig; signInError?: string | undefined; children: ReactNode }) {
  return (
    <ConfigContext.Provider value={config}>
      <SignInErrorContext.Provider value={signInError}>{children}</SignInErrorContext.Provider>
    </ConfigContext.Provider>
  );
}

export function useConfig(): StorefrontConfig {
  const config = useContext(ConfigContext);
  if (!config) throw new Error("useConfig needs a <ShopContextProvider> above it");
  return config;
}

/** Why the last sign-in did not complete, if it did not. */
export const useSignInError = () => useContext(SignInErrorContext);
