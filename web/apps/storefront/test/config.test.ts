import { describe, expect, it } from "vitest";
import { parseStorefrontConfig } from "../src/config";

const base = {
  stage: "local",
  apiUrl: "http://127.0.0.1:3000",
  oidc: { authority: "https://local-idp.order-service.test", clientId: "order-service-web", scope: "openid email profile" },
};

describe("the storefront's config.json", () => {
  it("takes payments through the sandbox locally", () => {
    expect(parseStorefrontConfig({ ...base, payments: { provider: "sandbox" } }).payments).toEqual({ provider: "sandbox" });
  });

  it("takes payments through Stripe with a publishable key in AWS", () => {
    expect(parseStorefrontConfig({ ...base, payments: { provider: "stripe", publishableKey: "pk_test_51Abc" } }).payments).toEqual({
      provider: "stripe",
      publishableKey: "pk_test_51Abc",
    });
  });

  it("refuses a secret key, a missing key or an unknown provider", () => {
    expect(() => parseStorefrontConfig({ ...base, payments: { provider: "stripe", publishableKey: "sk_live_123" } })).toThrow(/publishableKey/);
    expect(() => parseStorefrontConfig({ ...base, payments: { provider: "stripe" } })).toThrow(/publishableKey/);
    expect(() => parseStorefrontConfig({ ...base, payments: { provider: "paypal" } })).toThrow(/payments.provider/);
    expect(() => parseStorefrontConfig(base)).toThrow(/payments.provider/);
  });
});
