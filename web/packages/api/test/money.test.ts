import { describe, expect, it } from "vitest";
import { formatMoney, parseMoneyInput, sumMoney, toDecimalString, toShopCurrency } from "../src/money";

describe("formatMoney", () => {
  it("formats cents as dollars with the currency symbol", () => {
    expect(formatMoney({ amount: 123456, currency: "USD" })).toBe("$1,234.56");
  });

  it("keeps single cents and zero exact", () => {
    expect(formatMoney({ amount: 5, currency: "USD" })).toBe("$0.05");
    expect(formatMoney({ amount: 0, currency: "USD" })).toBe("$0.00");
  });

  it("shows negative amounts as negative", () => {
    expect(formatMoney({ amount: -2500, currency: "USD" })).toBe("-$25.00");
  });

  it("knows currencies without minor units and with three", () => {
    expect(formatMoney({ amount: 1500, currency: "JPY" })).toBe("¥1,500");
    expect(toDecimalString(1234, "KWD")).toBe("1.234");
  });

  it("stays exact beyond what a float holds", () => {
    expect(toDecimalString(9007199254740993n, "USD")).toBe("90071992547409.93");
  });

  it("shows a dash for a missing amount", () => {
    expect(formatMoney(null)).toBe("—");
  });
});

describe("parseMoneyInput", () => {
  it("turns major units into minor units without float errors", () => {
    expect(parseMoneyInput("12.5", "USD")).toBe(1250);
    expect(parseMoneyInput("0.29", "USD")).toBe(29);
    expect(parseMoneyInput("1,234.56", "USD")).toBe(123456);
    expect(parseMoneyInput("$ 7", "USD")).toBe(700);
  });

  it("refuses more decimals than the currency has, negatives and text", () => {
    expect(parseMoneyInput("1.234", "USD")).toBeNull();
    expect(parseMoneyInput("-5", "USD")).toBeNull();
    expect(parseMoneyInput("abc", "USD")).toBeNull();
    expect(parseMoneyInput("", "USD")).toBeNull();
    expect(parseMoneyInput("10.5", "JPY")).toBeNull();
  });

  it("sums amounts of one currency", () => {
    expect(sumMoney([{ amount: 100, currency: "USD" }, { amount: 250, currency: "USD" }], "USD")).toEqual({
      amount: 350,
      currency: "USD",
    });
  });
});

describe("the shop's currency", () => {
  it("accepts the contract's currency as typed or as an order states it, and nothing else", () => {
    expect(toShopCurrency("USD")).toBe("USD");
    expect(toShopCurrency(" usd ")).toBe("USD");
    expect(toShopCurrency("EUR")).toBeNull();
    expect(toShopCurrency("")).toBeNull();
    expect(toShopCurrency("toString")).toBeNull();
  });
});
