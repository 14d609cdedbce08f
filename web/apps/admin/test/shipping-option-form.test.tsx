import { ApiError } from "@order-service/api";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { emptyShippingOption, ShippingOptionForm, shippingOptionSchema, splitCodes } from "../src/routes/shipping/ShippingOptionForm";
import { taxRateSchema } from "../src/routes/tax/TaxRatesPage";
import { renderWithApi } from "./render";

const issues = (result: { error?: { issues: { path: PropertyKey[]; message: string }[] } | undefined }) =>
  result.error?.issues.map((i) => [i.path.join("."), i.message]);

describe("the shipping option form's request", () => {
  it("sends weight bands in grams and amounts in the shop's currency, codes in upper case", () => {
    const result = shippingOptionSchema.safeParse({
      ...emptyShippingOption,
      name: " Parcel ",
      carrierService: "Ground",
      countries: "us, ca",
      regions: "US-IL",
      rateType: "WEIGHT_BANDS",
      bands: [
        { minGrams: "0", maxGrams: "500", amount: "4.50" },
        { minGrams: "500", maxGrams: "2000", amount: "7" },
      ],
      freeAbove: "80",
    });
    expect(result.success).toBe(true);
    expect(result.data).toEqual({
      name: "Parcel",
      carrierService: "Ground",
      countries: ["US", "CA"],
      regions: ["US-IL"],
      rate: {
        type: "WEIGHT_BANDS",
        bands: [
          { minGrams: 0, maxGrams: 500, amount: { amount: 450, currency: "USD" } },
          { minGrams: 500, maxGrams: 2000, amount: { amount: 700, currency: "USD" } },
        ],
      },
      freeAbove: { amount: 8000, currency: "USD" },
      active: true,
    });
  });

  it("sends a flat price, and no threshold as null", () => {
    const result = shippingOptionSchema.safeParse({ ...emptyShippingOption, name: "Express", carrierService: "Air", countries: "US", flatAmount: "19" });
    expect(result.data).toMatchObject({ rate: { type: "FLAT", amount: { amount: 1900, currency: "USD" } }, freeAbove: null, regions: [] });
  });

  it("refuses what the API refuses, beside the field", () => {
    expect(
      issues(
        shippingOptionSchema.safeParse({
          ...emptyShippingOption,
          name: " ",
          carrierService: "x".repeat(61),
          countries: "US, XX",
          regions: "IL",
          flatAmount: "1.234",
          freeAbove: "-5",
        }),
      ),
    ).toEqual([
      ["name", "Enter a name"],
      ["carrierService", "At most 60 characters"],
      ["countries", "Not an ISO 3166-1 country code: XX"],
      ["regions", "Not a region code such as US-IL: IL"],
      ["flatAmount", "Enter an amount like 9.00 (at most 1000000.00)"],
      ["freeAbove", "Enter an amount like 9.00 (at most 1000000.00)"],
    ]);
    expect(issues(shippingOptionSchema.safeParse({ ...emptyShippingOption, name: "A", carrierService: "B", countries: "US, US", regions: "CA-QC", flatAmount: "1" }))).toEqual([
      ["countries", "Named twice: US"],
      ["regions", "In a country the option does not serve: CA-QC"],
    ]);
  });

  it("refuses bands that end before they start or overlap, as the API's 422 would", () => {
    const base = { ...emptyShippingOption, name: "A", carrierService: "B", countries: "US", rateType: "WEIGHT_BANDS" as const };
    expect(issues(shippingOptionSchema.safeParse({ ...base, bands: [{ minGrams: "1000", maxGrams: "1000", amount: "5" }] }))).toEqual([
      ["bands.0.maxGrams", "Must end after it starts"],
    ]);
    expect(
      issues(
        shippingOptionSchema.safeParse({
          ...base,
          bands: [
            { minGrams: "1000", maxGrams: "5000", amount: "9" },
            { minGrams: "0", maxGrams: "1500", amount: "5" },
          ],
        }),
      ),
    ).toEqual([["bands", "The bands 0–1500 g and 1000–5000 g overlap"]]);
    expect(issues(shippingOptionSchema.safeParse({ ...base, bands: [] }))).toEqual([["bands", "Give 1 to 20 weight bands"]]);
  });

  it("reads codes separated by commas or spaces", () => {
    expect(splitCodes(" us,ca  mx;; ")).toEqual(["US", "CA", "MX"]);
  });
});

describe("the shipping option form", () => {
  it("adds a band that starts where the last ended, and shows the API's refusal of the bands below them", async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn((_body: unknown, onError: (e: unknown) => void) => {
      onError(new ApiError({ status: 400, code: "invalid_field", message: "rate.bands.amount: must be the shop's currency USD" }));
    });
    renderWithApi(
      <ShippingOptionForm
        defaultValues={{ ...emptyShippingOption, name: "A", carrierService: "B", countries: "US", rateType: "WEIGHT_BANDS", bands: [{ minGrams: "0", maxGrams: "1000", amount: "5" }] }}
        submitLabel="Create shipping option"
        pending={false}
        error={null}
        onSubmit={onSubmit}
      />,
      () => new Response(null, { status: 500 }),
    );
    await user.click(screen.getByRole("button", { name: "Add a band" }));
    const second = screen.getByRole("group", { name: "Band 2" });
    expect(second).toBeInTheDocument();
    expect(screen.getAllByLabelText("From (g)")[1]).toHaveValue("1000");
    await user.type(screen.getAllByLabelText("Up to (g)")[1]!, "5000");
    await user.type(screen.getAllByLabelText("Price (USD)")[1]!, "9");
    await user.click(screen.getByRole("button", { name: "Create shipping option" }));
    expect(onSubmit).toHaveBeenCalledTimes(1);
    expect(onSubmit.mock.calls[0]![0]).toMatchObject({
      rate: { type: "WEIGHT_BANDS", bands: [{ minGrams: 0, maxGrams: 1000 }, { minGrams: 1000, maxGrams: 5000, amount: { amount: 900 } }] },
    });
    expect(await screen.findByRole("alert")).toHaveTextContent("rate.bands.amount: must be the shop's currency USD");
  });

  it("shows the names of the countries typed", async () => {
    const user = userEvent.setup();
    renderWithApi(
      <ShippingOptionForm defaultValues={emptyShippingOption} submitLabel="Create" pending={false} error={null} onSubmit={() => {}} />,
      () => new Response(null, { status: 500 }),
    );
    await user.type(screen.getByLabelText("Countries"), "US, CA");
    expect(screen.getByText(/United States, Canada/)).toBeInTheDocument();
  });
});

describe("the tax rate form's request", () => {
  it("names the destination by country and region, and keeps the percentage as typed", () => {
    expect(taxRateSchema.parse({ country: "US", region: " il ", name: "Illinois", percent: "7.25", shippingTaxed: true })).toEqual({
      rateId: "US-IL",
      body: { name: "Illinois", percent: "7.25", shippingTaxed: true },
    });
    expect(taxRateSchema.parse({ country: "CA", region: "", name: "GST", percent: "5", shippingTaxed: false }).rateId).toBe("CA");
  });

  it("refuses a percentage the API refuses", () => {
    for (const percent of ["100.01", "7.", ".5", "7.12345", "-1", "1e2", ""]) {
      expect(taxRateSchema.safeParse({ country: "US", region: "", name: "X", percent, shippingTaxed: false }).success, percent).toBe(false);
    }
    expect(taxRateSchema.safeParse({ country: "ZZ", region: "", name: "X", percent: "5", shippingTaxed: false }).success).toBe(false);
  });
});
