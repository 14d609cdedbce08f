import { ApiError } from "@order-service/api";
import { describe, expect, it } from "vitest";
import { AttemptKeys } from "../src/lib/idempotency";
import { checkoutProblem } from "../src/routes/checkout/checkoutErrors";
import { checkoutBody, checkoutSchema, toAddressInput } from "../src/routes/checkout/schema";

const values = {
  name: "Alice Liddell",
  email: "alice@example.com",
  phone: "",
  shipping: { line1: "1 Main St", line2: "", city: "Springfield", region: "IL", postalCode: "62701", country: "US" },
  billingSame: true,
  billing: { line1: "", line2: "", city: "", region: "", postalCode: "", country: "US" },
};

describe("the checkout's fields", () => {
  it("are checked as the API checks them", () => {
    expect(checkoutSchema.safeParse(values).success).toBe(true);
    const bad = checkoutSchema.safeParse({
      ...values,
      name: "  ",
      email: "alice@localhost",
      phone: "12345",
      shipping: { ...values.shipping, country: "XX", postalCode: "x".repeat(21) },
    });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((issue) => issue.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["name", "email", "phone", "shipping.country", "shipping.postalCode"]));
    expect(checkoutSchema.safeParse({ ...values, phone: "+1 (555) 555-0100" }).success).toBe(true);
    expect(checkoutSchema.safeParse({ ...values, email: "a.b+c@mail.example.co" }).success).toBe(true);
  });

  it("check the billing address only when it is not the shipping one", () => {
    const separate = checkoutSchema.safeParse({ ...values, billingSame: false });
    expect(separate.success).toBe(false);
    expect(separate.error!.issues.map((i) => i.path.join("."))).toContain("billing.line1");
  });

  it("become the body the API takes, with the total shown", () => {
    expect(toAddressInput(values.shipping)).toEqual({ line1: "1 Main St", line2: null, city: "Springfield", region: "IL", postalCode: "62701", country: "US" });
    expect(checkoutBody(values, "pm_card_visa", { amount: 3539, currency: "USD" })).toEqual({
      customer: { name: "Alice Liddell", email: "alice@example.com", phone: null },
      billingAddress: null,
      payment: { methodToken: "pm_card_visa" },
      expectedTotal: { amount: 3539, currency: "USD" },
    });
  });
});

describe("the Idempotency-Key", () => {
  it("stays the same for retries of an attempt and changes when the cart or total does", () => {
    let n = 0;
    const keys = new AttemptKeys(() => `key-${++n}`);
    const body = checkoutBody(values, "pm_card_visa", { amount: 3539, currency: "USD" });
    expect(keys.keyFor("cart-1", body)).toBe("key-1");
    expect(keys.keyFor("cart-1", structuredClone(body))).toBe("key-1");
    expect(keys.keyFor("cart-1", checkoutBody(values, "pm_card_visa", { amount: 4000, currency: "USD" }))).toBe("key-2");
    expect(keys.keyFor("cart-2", checkoutBody(values, "pm_card_visa", { amount: 4000, currency: "USD" }))).toBe("key-3");
    keys.reset();
    expect(keys.keyFor("cart-2", checkoutBody(values, "pm_card_visa", { amount: 4000, currency: "USD" }))).toBe("key-4");
  });
});

describe("a refused checkout", () => {
  const refusal = (status: number, code: string, message: string, details?: Record<string, unknown>) => new ApiError({ status, code, message, details });

  it("keeps the service's words and adds the way forward", () => {
    const price = checkoutProblem(
      refusal(409, "shipping_price_changed", "the shipping price changed", { price: { amount: 700, currency: "USD" } }),
    );
    expect(price).toMatchObject({ message: "the shipping price changed", next: "choose_shipping", refreshCart: true });
    expect(price.hint).toContain("$7.00");
    expect(checkoutProblem(refusal(409, "total_changed", "the total changed", { total: { amount: 4100, currency: "USD" } })).hint).toContain("$41.00");
    expect(checkoutProblem(refusal(409, "destination_not_served", "no shipping option serves this address")).next).toBe("edit_address");
    expect(checkoutProblem(refusal(409, "items_unavailable", "some products are no longer for sale")).next).toBe("review_cart");
    expect(checkoutProblem(refusal(409, "promotion_expired", "the promotion has expired")).next).toBe("remove_promotion");
    expect(checkoutProblem(refusal(503, "unavailable", "retry with the same Idempotency-Key")).next).toBe("retry");
  });
});
