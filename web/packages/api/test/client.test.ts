import { describe, expect, it, vi } from "vitest";
import { ApiError, createApiClient, hasOperation, hasQueryParam, unwrap } from "../src";

function answer(status: number, body: unknown, contentType = "application/json") {
  return new Response(typeof body === "string" ? body : JSON.stringify(body), {
    status,
    headers: { "content-type": contentType },
  });
}

function clientAnswering(response: Response | Error, token: string | null = "id-token-1") {
  const fetch = vi.fn(async (_request: Request) => {
    if (response instanceof Error) throw response;
    return response;
  });
  const client = createApiClient({
    baseUrl: "http://api.test/",
    getToken: () => token,
    fetch: fetch as unknown as typeof globalThis.fetch,
  });
  return { client, fetch };
}

async function errorOf(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error("expected the request to fail");
}

describe("the API client", () => {
  it("sends the ID token as a bearer token and returns the data", async () => {
    const { client, fetch } = clientAnswering(answer(200, { items: [], nextCursor: null }));
    const page = await unwrap(client.GET("/admin/inventory", { params: { query: { lowStock: "true" } } }));
    expect(page).toEqual({ items: [], nextCursor: null });
    const request = fetch.mock.calls[0]![0];
    expect(request.url).toBe("http://api.test/admin/inventory?lowStock=true");
    expect(request.headers.get("Authorization")).toBe("Bearer id-token-1");
  });

  it("sends no Authorization header without a token", async () => {
    const { client, fetch } = clientAnswering(answer(200, { items: [], nextCursor: null }), null);
    await unwrap(client.GET("/products"));
    expect(fetch.mock.calls[0]![0].headers.has("Authorization")).toBe(false);
  });

  it("turns the service's error shape into an ApiError with code, message and details", async () => {
    const { client } = clientAnswering(
      answer(409, {
        error: { code: "insufficient_stock", message: "only 3 of TEE-BLACK-M available", details: { sku: "TEE-BLACK-M", available: 3 } },
      }),
    );
    const error = await errorOf(unwrap(client.GET("/admin/inventory")));
    expect(error.status).toBe(409);
    expect(error.code).toBe("insufficient_stock");
    expect(error.message).toBe("only 3 of TEE-BLACK-M available");
    expect(error.details).toEqual({ sku: "TEE-BLACK-M", available: 3 });
  });

  it("names the field of an invalid_field error", async () => {
    const { client } = clientAnswering(
      answer(400, { error: { code: "invalid_field", message: "price.currency: must be the shop's currency USD" } }),
    );
    const error = await errorOf(unwrap(client.GET("/admin/inventory")));
    expect(error.field).toBe("price.currency");
    expect(error.rule).toBe("must be the shop's currency USD");
    expect(error.message).toBe("price.currency: must be the shop's currency USD");
  });

  it("treats a rule the request breaks (422) like any other refusal: code and message as the server says them", async () => {
    for (const [code, message] of [
      ["invalid_cursor", "the cursor was not issued by this listing"],
      ["invalid_range", "from: must not be after to"],
      ["invalid_filter", "status cannot be combined with email"],
      ["card_data_not_accepted", "send the gateway's payment-method token, never card data"],
    ] as const) {
      const { client } = clientAnswering(answer(422, { error: { code, message } }));
      const error = await errorOf(unwrap(client.GET("/admin/orders")));
      expect(error).toMatchObject({ status: 422, code, message });
      expect(error.field).toBeUndefined();
      expect(error.isUnauthorized).toBe(false);
    }
  });

  it("turns API Gateway's own 401 into an unauthorized ApiError", async () => {
    const { client } = clientAnswering(answer(401, { message: "Unauthorized" }));
    const error = await errorOf(unwrap(client.GET("/admin/orders")));
    expect(error.code).toBe("unauthorized");
    expect(error.isUnauthorized).toBe(true);
    expect(error.message).toBe("Unauthorized");
  });

  it("turns API Gateway's Not Found into a not_found ApiError", async () => {
    const { client } = clientAnswering(answer(404, { message: "Not Found" }));
    const error = await errorOf(unwrap(client.GET("/admin/orders")));
    expect(error).toMatchObject({ status: 404, code: "not_found", message: "Not Found" });
  });

  it("reports a body that is not JSON with its status", async () => {
    const { client } = clientAnswering(answer(502, "Bad Gateway", "text/plain"));
    const error = await errorOf(unwrap(client.GET("/admin/orders")));
    expect(error).toMatchObject({ status: 502, code: "unexpected_response" });
    expect(error.message).toContain("502");
  });

  it("turns a network failure into a network ApiError", async () => {
    const { client } = clientAnswering(new TypeError("Failed to fetch"));
    const error = await errorOf(unwrap(client.GET("/admin/orders")));
    expect(error).toMatchObject({ status: 0, code: "network" });
  });
});

describe("the generated operations manifest", () => {
  it("knows which operations and filters the contract has", () => {
    expect(hasOperation("adminListOrders")).toBe(true);
    expect(hasOperation("noSuchOperation")).toBe(false);
    expect(hasQueryParam("adminListOrders", "status")).toBe(true);
    expect(hasQueryParam("adminListOrders", "noSuchFilter")).toBe(false);
  });
});
