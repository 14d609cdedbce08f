import { ApiClientProvider, createApiClient, isApiError } from "@order-service/api";
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState } from "react";
import { RouterProvider } from "react-router";
import { AuthProvider, hostedLogoutUrl, isAdmin, useAuth, type AppConfig, type User, type UserManager } from "@order-service/auth";
import { NotAuthorisedPage } from "./auth/NotAuthorisedPage";
import { SignInPage } from "./auth/SignInPage";
import { createAppRouter } from "./router";

export function App({
  config,
  manager,
  initialUser,
  signInError,
}: {
  config: AppConfig;
  manager: UserManager;
  initialUser: User | null;
  signInError?: string | undefined;
}) {
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
  const auth = useAuth();
  const [state] = useState(() => {
    const onError = (error: unknown) => {
      if (isApiError(error) && error.isUnauthorized) auth.endSession();
    };
    const queryClient = new QueryClient({
      queryCache: new QueryCache({ onError }),
      mutationCache: new MutationCache({ onError }),
      defaultOptions: {
        queries: {
          staleTime: 15_000,
          refetchOnWindowFocus: false,
          // A refusal (4xx) will not change by asking again; an outage might.
          retry: (count, error) => count < 2 && !(isApiError(error) && error.status >= 400 && error.status < 500),
        },
      },
    });
    const client = createApiClient({ baseUrl: config.apiUrl, getToken: auth.getToken });
    return { queryClient, client, router: createAppRouter() };
  });
  return (
    <QueryClientProvider client={state.queryClient}>
      <ApiClientProvider client={state.client}>
        <RouterProvider router={state.router} />
      </ApiClientProvider>
    </QueryClientProvider>
  );
}
