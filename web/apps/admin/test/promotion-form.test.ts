import { describe, expect, it } from "vitest";
import { emptyPromotion, promotionSchema } from "../src/routes/promotions/PromotionForm";

describe("the promotion form's request", () => {
  it("sends a PERCENTAGE discount with percentOff only", () => {
    const result = promotionSchema.safeParse({ ...emptyPromotion, code: "SAVE10", amountOff: "5.00" });
    expect(result.success).toBe(true);
    expect(result.data).toMatchObject({ code: "SAVE10", type: "PERCENTAGE", percentOff: 10 });
    expect(result.data).not.toHaveProperty("amountOff");
  });

  it("sends a FIXED_AMOUNT discount with amountOff in the shop's currency only", () => {
    const result = promotionSchema.safeParse({
      ...emptyPromotion,
      code: "FIVE",
      type: "FIXED_AMOUNT",
      amountOff: "5.00",
      currency: "usd",
      minSubtotal: "50",
    });
    expect(result.success).toBe(true);
    expect(result.data).toMatchObject({
      type: "FIXED_AMOUNT",
      amountOff: { amount: 500, currency: "USD" },
      minSubtotal: { amount: 5000, currency: "USD" },
    });
    expect(result.data).not.toHaveProperty("percentOff");
  });

  it("refuses another currency and a missing amount beside their fields", () => {
    const result = promotionSchema.safeParse({ ...emptyPromotion, code: "FIVE", type: "FIXED_AMOUNT", currency: "EUR" });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["currency", "Must be the shop's currency, USD"],
      ["amountOff", "Enter an amount like 5.00"],
    ]);
  });
});
