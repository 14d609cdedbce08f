import { ApiClientProvider, createApiClient } from "@order-service/api";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { MemoryRouter } from "react-router";
import { vi } from "vitest";

/** An answer of the API, as the service (or API Gateway) would give it. */
export function answer(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

/** Renders a page with a real client whose fetch answers from `respond`. */
export function renderWithApi(ui: ReactNode, respond: (request: Request) => Response | Promise<Response>, token: string | null = "id-token") {
  const fetch = vi.fn(async (input: Request) => respond(input));
  const client = createApiClient({
    baseUrl: "http://api.test",
    getToken: () => token,
    fetch: fetch as unknown as typeof globalThis.fetch,
  });
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  const utils = render(
    <QueryClientProvider client={queryClient}>
      <ApiClientProvider client={client}>
        <MemoryRouter>{ui}</MemoryRouter>
      </ApiClientProvider>
    </QueryClientProvider>,
  );
  return { ...utils, fetch, queryClient };
}
