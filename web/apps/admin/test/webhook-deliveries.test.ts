import type { WebhookSubscription } from "@order-service/api";
import { describe, expect, it } from "vitest";
import {
  attemptCount,
  attemptOutcome,
  attemptsSummary,
  formatDuration,
  hostOf,
  isAccepted,
  stateExplanation,
} from "../src/routes/webhooks/deliveries";
import { describeEventTypes, EVENT_TYPES } from "../src/routes/webhooks/eventTypes";
import { webhookChanges } from "../src/routes/webhooks/WebhookForm";

const at = "2026-11-30T12:00:00.000Z";

describe("a delivery's attempts", () => {
  it("read as the receiver's status, or why no answer came", () => {
    expect(attemptOutcome({ statusCode: 200, error: null })).toBe("HTTP 200");
    expect(attemptOutcome({ statusCode: 503, error: "" })).toBe("HTTP 503");
    expect(attemptOutcome({ statusCode: null, error: "timed out" })).toBe("No answer: timed out");
    expect(attemptOutcome({ statusCode: null, error: null })).toBe("No answer");
    expect(attemptOutcome({ statusCode: 410, error: "subscription gone" })).toBe("HTTP 410: subscription gone");
  });

  it("are counted, with how the last one ended", () => {
    expect(attemptsSummary({ attempts: [] })).toBe("No attempts yet");
    expect(attemptsSummary({ attempts: [{ at, statusCode: 200, error: null, durationMs: 24 }] })).toBe("1 attempt · last HTTP 200");
    expect(
      attemptsSummary({
        attempts: [
          { at, statusCode: null, error: "connection refused", durationMs: 3 },
          { at, statusCode: 500, error: null, durationMs: 40 },
        ],
      }),
    ).toBe("2 attempts · last HTTP 500");
    expect(attemptCount([1, 2, 3, 4])).toBe("4 attempts");
  });

  it("count any 2xx as accepted, and nothing else", () => {
    expect(isAccepted(200)).toBe(true);
    expect(isAccepted(204)).toBe(true);
    expect(isAccepted(299)).toBe(true);
    expect(isAccepted(301)).toBe(false);
    expect(isAccepted(500)).toBe(false);
    expect(isAccepted(null)).toBe(false);
  });

  it("take milliseconds below a second and seconds above", () => {
    expect(formatDuration(0)).toBe("0 ms");
    expect(formatDuration(85.4)).toBe("85 ms");
    expect(formatDuration(1_234)).toBe("1.2 s");
    expect(formatDuration(12_600)).toBe("13 s");
    expect(formatDuration(-1)).toBe("—");
  });
});

describe("a subscription", () => {
  it("lists its event types in the contract's order, or says it takes them all", () => {
    expect(describeEventTypes(["StockLow", "OrderPlaced"])).toBe("OrderPlaced, StockLow");
    expect(describeEventTypes([...EVENT_TYPES].reverse())).toBe(`All ${EVENT_TYPES.length} events`);
    expect(describeEventTypes([])).toBe("None");
  });

  it("is headed by its URL's host and port", () => {
    expect(hostOf("https://hooks.example.com/orders")).toBe("hooks.example.com");
    expect(hostOf("http://127.0.0.1:4321/hook")).toBe("127.0.0.1:4321");
    expect(hostOf("not a url")).toBe("not a url");
  });

  it("explains each state", () => {
    expect(stateExplanation("PAUSED")).toMatch(/^Paused/);
    expect(stateExplanation("FAILING")).toMatch(/activating it again/);
  });
});

describe("a change to a subscription", () => {
  const saved: WebhookSubscription = {
    webhookId: "3f0c5a8e-1d2b-4c3a-9e8f-0a1b2c3d4e5f",
    url: "https://hooks.example.com/orders",
    description: "ERP",
    eventTypes: ["OrderPaid", "OrderPlaced"],
    active: true,
    state: "ACTIVE",
    failingSince: null,
    createdAt: at,
    updatedAt: at,
    secretRotatedAt: null,
    previousSecretExpiresAt: null,
  };

  it("sends only what changed, so an unchanged URL is not checked again", () => {
    expect(webhookChanges(saved, { url: saved.url, description: "ERP", eventTypes: ["OrderPlaced", "OrderPaid"] })).toBeNull();
    expect(webhookChanges(saved, { url: saved.url, description: "Warehouse", eventTypes: ["OrderPaid", "OrderPlaced"] })).toEqual({
      description: "Warehouse",
    });
    expect(
      webhookChanges(saved, { url: "https://erp.example.com/hook", description: "ERP", eventTypes: ["StockLow", "OrderPlaced"] }),
    ).toEqual({ url: "https://erp.example.com/hook", eventTypes: ["OrderPlaced", "StockLow"] });
  });
});
