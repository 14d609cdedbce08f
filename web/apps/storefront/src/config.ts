/**
 * The storefront's runtime configuration: what every app reads from
 * /config.json (`@order-service/auth`), plus how it takes payments.
 *
 * - `{"provider": "sandbox"}`: the local stack's payment sandbox; the
 *   checkout offers its test payment methods by name (pm_card_visa, …).
 * - `{"provider": "stripe", "publishableKey": "pk_…"}`: Stripe Elements
 *   collects the card in Stripe's own frame and gives a PaymentMethod id;
 *   only that id reaches the service.
 */
import { fetchConfigJson, parseConfig, type AppConfig } from "@order-service/auth";

export type PaymentsConfig = { provider: "sandbox" } | { provider: "stripe"; publishableKey: string };

export interface StorefrontConfig extends AppConfig {
  payments: PaymentsConfig;
}

export function parsePayments(value: unknown): PaymentsConfig {
  const payments = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  if (payments.provider === "sandbox") return { provider: "sandbox" };
  if (payments.provider === "stripe") {
    const key = payments.publishableKey;
    if (typeof key !== "string" || !/^pk_(test|live)_[A-Za-z0-9]+$/.test(key)) {
      throw new Error("config.json is not valid: payments.publishableKey: must be a Stripe publishable key (pk_test_… or pk_live_…)");
    }
    return { provider: "stripe", publishableKey: key };
  }
  throw new Error('config.json is not valid: payments.provider: must be "sandbox" or "stripe"');
}

export function parseStorefrontConfig(value: unknown): StorefrontConfig {
  const base = parseConfig(value);
  const root = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  return { ...base, payments: parsePayments(root.payments) };
}

export async function loadStorefrontConfig(fetchImpl: typeof fetch = fetch): Promise<StorefrontConfig> {
  return parseStorefrontConfig(await fetchConfigJson(fetchImpl));
}
