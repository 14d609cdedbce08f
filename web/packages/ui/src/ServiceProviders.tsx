import { ApiClientProvider, createApiClient, isApiError } from "@order-service/api";
import { useAuth } from "@order-service/auth";
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";

/**
 * The query client and the API client (with the signed-in user's token, none
 * while signed out) for everything below, made once. A 401 anywhere ends the
 * session; a refusal (4xx) is not asked again.
 */
export function ServiceProviders({ apiUrl, children }: { apiUrl: string; children: ReactNode }) {
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
    const client = createApiClient({ baseUrl: apiUrl, getToken: auth.getToken });
    return { queryClient, client };
  });
  return (
    <QueryClientProvider client={state.queryClient}>
      <ApiClientProvider client={state.client}>{children}</ApiClientProvider>
    </QueryClientProvider>
  );
}
