import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { ApiClientProvider, createApiClient } from "../src";

/** A query client and a wrapper whose API client answers with `respond`. */
export function setup(respond: (request: Request) => Response) {
  const client = createApiClient({
    baseUrl: "http://api.test",
    getToken: () => "t",
    fetch: (async (request: Request) => respond(request)) as unknown as typeof fetch,
  });
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>
      <ApiClientProvider client={client}>{children}</ApiClientProvider>
    </QueryClientProvider>
  );
  return { queryClient, wrapper };
}

/** A JSON response. */
export const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
