import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { Component as WebhookCreatePage } from "../src/routes/webhooks/WebhookCreatePage";
import { Component as WebhookListPage } from "../src/routes/webhooks/WebhookListPage";
import { WebhookDeliveries } from "../src/routes/webhooks/WebhookDeliveries";
import { answer, renderWithApi } from "./render";

const webhookId = "3f0c5a8e-1d2b-4c3a-9e8f-0a1b2c3d4e5f";
const at = "2026-11-30T12:00:00.000Z";
const subscription = {
  webhookId,
  url: "https://hooks.example.com/orders",
  description: "ERP",
  eventTypes: ["StockAdjusted"],
  active: true,
  state: "ACTIVE",
  failingSince: null,
  createdAt: at,
  updatedAt: at,
  secretRotatedAt: null,
  previousSecretExpiresAt: null,
};
const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

describe("the webhooks list", () => {
  it("explains webhooks and their signature headers when there are none", async () => {
    renderWithApi(<WebhookListPage />, () => answer(200, { items: [] }));
    expect(await screen.findByText("No webhooks yet.")).toBeInTheDocument();
    for (const header of ["webhook-id", "webhook-timestamp", "webhook-signature"]) expect(screen.getByText(header)).toBeInTheDocument();
    expect(screen.getByRole("link", { name: /Standard Webhooks specification/ })).toHaveAttribute("href", "https://www.standardwebhooks.com/");
  });

  it("lists each subscription with its state as a word", async () => {
    renderWithApi(<WebhookListPage />, () => answer(200, { items: [{ ...subscription, active: false, state: "PAUSED" }] }));
    const row = await screen.findByRole("row", { name: /hooks\.example\.com/ });
    expect(row).toHaveTextContent("PAUSED");
    expect(row).toHaveTextContent("StockAdjusted");
    expect(within(row).getByRole("link", { name: subscription.url })).toHaveAttribute("href", `/webhooks/${webhookId}`);
  });
});

describe("the new webhook form", () => {
  it("asks for a URL and at least one event type before sending anything", async () => {
    const user = userEvent.setup();
    const { fetch } = renderWithApi(<WebhookCreatePage />, () => answer(500, {}));
    await user.type(screen.getByLabelText("URL"), "hooks.example.com");
    await user.click(screen.getByRole("button", { name: "Create webhook" }));
    expect(await screen.findByText("Choose at least one event type")).toBeInTheDocument();
    expect(screen.getByLabelText("URL")).toHaveAccessibleDescription(/Enter a full URL/);
    expect(fetch).not.toHaveBeenCalled();
  });

  it("selects every event type at once, and clears them again", async () => {
    const user = userEvent.setup();
    renderWithApi(<WebhookCreatePage />, () => answer(500, {}));
    const all = screen.getByLabelText("Select all");
    await user.click(screen.getByLabelText("OrderPaid"));
    expect(all).toHaveProperty("indeterminate", true);
    await user.click(all);
    expect(screen.getByLabelText("CustomerErased")).toBeChecked();
    expect(screen.getByLabelText("OrderPlaced")).toBeChecked();
    await user.click(all);
    expect(screen.getByLabelText("OrderPaid")).not.toBeChecked();
  });

  it("shows the server's refusal of the URL beside the URL field", async () => {
    const user = userEvent.setup();
    renderWithApi(<WebhookCreatePage />, () =>
      answer(422, { error: { code: "webhook_url_refused", message: "the host 10.0.0.1 resolves to a private address (10.0.0.1)" } }),
    );
    await user.type(screen.getByLabelText("URL"), "https://10.0.0.1/hook");
    await user.click(screen.getByLabelText("StockAdjusted"));
    await user.click(screen.getByRole("button", { name: "Create webhook" }));
    const url = screen.getByLabelText("URL");
    await waitFor(() => expect(url).toHaveAttribute("aria-invalid", "true"));
    expect(url).toHaveAccessibleDescription(/the host 10\.0\.0\.1 resolves to a private address \(10\.0\.0\.1\)$/);
    expect(url).toHaveValue("https://10.0.0.1/hook");
  });

  it("sends the chosen types and shows the signing secret once, with the warning", async () => {
    const user = userEvent.setup();
    let sent: unknown;
    renderWithApi(<WebhookCreatePage />, async (request) => {
      sent = await request.json();
      return answer(201, { ...subscription, eventTypes: ["OrderPlaced", "StockAdjusted"], secret });
    });
    await user.type(screen.getByLabelText("URL"), subscription.url);
    await user.type(screen.getByLabelText("Description"), " ERP ");
    await user.click(screen.getByLabelText("StockAdjusted"));
    await user.click(screen.getByLabelText("OrderPlaced"));
    await user.click(screen.getByRole("button", { name: "Create webhook" }));
    expect(await screen.findByLabelText("Signing secret")).toHaveValue(secret);
    expect(sent).toEqual({ url: subscription.url, description: "ERP", eventTypes: ["OrderPlaced", "StockAdjusted"], active: true });
    expect(screen.getByLabelText("Signing secret")).toHaveAccessibleDescription(/it will not be shown again/);
    expect(screen.getByRole("heading", { name: "The webhook's signing secret" })).toHaveFocus();
    expect(screen.getByRole("link", { name: /open the webhook/ })).toHaveAttribute("href", `/webhooks/${webhookId}`);
    expect(screen.queryByRole("form", { name: "New webhook" })).not.toBeInTheDocument();
  });
});

describe("the deliveries table", () => {
  const delivery = {
    deliveryId: "0123456789abcdef0123456789abcdef",
    webhookId,
    eventId: "0193f7a2-8c4d-7e21-b5a0-4c3d2e1f0a9b",
    eventType: "OrderPlaced",
    status: "FAILED",
    attempts: [
      { at, statusCode: null, error: "timed out", durationMs: 10_000 },
      { at, statusCode: 503, error: null, durationMs: 42 },
    ],
    createdAt: at,
    updatedAt: at,
    nextAttemptAt: null,
    payloadErased: false,
  };

  it("shows each delivery's status and last outcome, and every attempt on request", async () => {
    const user = userEvent.setup();
    renderWithApi(<WebhookDeliveries webhookId={webhookId} />, () => answer(200, { items: [delivery], nextCursor: null }));
    const table = await screen.findByRole("table", { name: "Recent deliveries" });
    expect(table).toHaveTextContent("FAILED");
    expect(table).toHaveTextContent("2 attempts");
    expect(table).toHaveTextContent("last HTTP 503");
    await user.click(screen.getByRole("button", { name: "Show attempts" }));
    const attempts = screen.getByRole("table", { name: `Attempts of event ${delivery.eventId}` });
    const rows = within(attempts).getAllByRole("row");
    expect(rows[1]).toHaveTextContent("No answer");
    expect(rows[1]).toHaveTextContent("timed out");
    expect(rows[1]).toHaveTextContent("10 s");
    expect(rows[2]).toHaveTextContent("503");
    expect(rows[2]).toHaveTextContent("42 ms");
    expect(screen.getByRole("button", { name: "Hide attempts" })).toHaveAttribute("aria-expanded", "true");
  });

  it("redelivers and reads the deliveries again, and says why when the payload was erased", async () => {
    const user = userEvent.setup();
    const calls: string[] = [];
    renderWithApi(<WebhookDeliveries webhookId={webhookId} />, (request) => {
      calls.push(`${request.method} ${new URL(request.url).pathname}`);
      if (request.method === "POST")
        return answer(409, { error: { code: "payload_erased", message: "the event named a customer whose personal data has been erased" } });
      return answer(200, { items: [delivery], nextCursor: null });
    });
    await user.click(await screen.findByRole("button", { name: "Redeliver" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "This event cannot be sent again: it named a customer whose personal data has since been erased.",
    );
    expect(screen.getByRole("alert")).toHaveTextContent("payload_erased");
    expect(calls).toContain(`POST /admin/webhooks/${webhookId}/deliveries/${delivery.deliveryId}/redeliver`);
  });

  it("loads older deliveries with the cursor", async () => {
    const user = userEvent.setup();
    const urls: string[] = [];
    renderWithApi(<WebhookDeliveries webhookId={webhookId} />, (request) => {
      const url = new URL(request.url);
      urls.push(url.search);
      return url.searchParams.get("cursor")
        ? answer(200, { items: [{ ...delivery, deliveryId: "f".repeat(32), eventId: "older-event" }], nextCursor: null })
        : answer(200, { items: [delivery], nextCursor: "c2" });
    });
    await user.click(await screen.findByRole("button", { name: "Load more deliveries" }));
    expect(await screen.findByText("older-event")).toBeInTheDocument();
    expect(screen.getByText(delivery.eventId)).toBeInTheDocument();
    expect(urls).toEqual(["?limit=20", "?limit=20&cursor=c2"]);
    expect(screen.queryByRole("button", { name: "Load more deliveries" })).not.toBeInTheDocument();
  });
});
