import { AuthProvider, hostedLogoutUrl, isAdmin, useAuth, type AppConfig } from "@order-service/auth";
import { ServiceProviders, type StartProps } from "@order-service/ui";
import { useState } from "react";
import { RouterProvider } from "react-router";
import { NotAuthorisedPage } from "./auth/NotAuthorisedPage";
import { SignInPage } from "./auth/SignInPage";
import { createAppRouter } from "./router";

export function App({ config, manager, initialUser, signInError }: StartProps<AppConfig>) {
  return (
    <AuthProvider manager={manager} initialUser={initialUser} logoutUrl={hostedLogoutUrl(config, window.location.origin)}>
      <Gate config={config} signInError={signInError} />
    </AuthProvider>
  );
}

function Gate({ config, signInError }: { config: AppConfig; signInError?: string | undefined }) {
  const { user } = useAuth();
  if (!user) return <SignInPage error={signInError} />;
  // Nothing below is mounted for a user who is not an administrator, so no admin request is made.
  if (!isAdmin(user)) return <NotAuthorisedPage />;
  return <AdminApp config={config} />;
}

function AdminApp({ config }: { config: AppConfig }) {
  const [router] = useState(createAppRouter);
  return (
    <ServiceProviders apiUrl={config.apiUrl}>
      <RouterProvider router={router} />
    </ServiceProviders>
  );
}
