import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { Component as ProductCreatePage } from "../src/routes/products/ProductCreatePage";
import { answer, renderWithApi } from "./render";

async function fillProduct(user: ReturnType<typeof userEvent.setup>, values: { sku: string; name: string; price: string }) {
  await user.type(screen.getByLabelText("SKU"), values.sku);
  await user.type(screen.getByLabelText("Name"), values.name);
  await user.type(screen.getByLabelText("Price"), values.price);
}

describe("the product form", () => {
  it("checks the fields before sending anything", async () => {
    const user = userEvent.setup();
    const { fetch } = renderWithApi(<ProductCreatePage />, () => answer(500, {}));
    await user.type(screen.getByLabelText("SKU"), "bad sku!");
    await user.type(screen.getByLabelText("Price"), "12.345");
    await user.click(screen.getByRole("button", { name: "Create product" }));
    expect(await screen.findByText("1 to 64 letters, digits, - or _")).toBeInTheDocument();
    expect(screen.getByText("Enter a name")).toBeInTheDocument();
    expect(screen.getByText("Enter a price like 25.00")).toBeInTheDocument();
    expect(screen.getByLabelText("SKU")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByLabelText("SKU")).toHaveAccessibleDescription(/1 to 64 letters/);
    expect(fetch).not.toHaveBeenCalled();
  });

  it("sends the price in minor units", async () => {
    const user = userEvent.setup();
    let sent: unknown;
    renderWithApi(<ProductCreatePage />, async (request) => {
      sent = await request.json();
      return answer(201, { sku: "MUG-RED" });
    });
    await fillProduct(user, { sku: "MUG-RED", name: "Red mug", price: "12.50" });
    await user.click(screen.getByRole("button", { name: "Create product" }));
    await waitFor(() => expect(sent).toBeDefined());
    expect(sent).toMatchObject({ sku: "MUG-RED", name: "Red mug", price: { amount: 1250, currency: "USD" } });
  });

  it("takes money only in the shop's currency, and says so before sending anything", async () => {
    const user = userEvent.setup();
    const { fetch } = renderWithApi(<ProductCreatePage />, () => answer(500, {}));
    await fillProduct(user, { sku: "MUG-RED", name: "Red mug", price: "12.50" });
    await user.clear(screen.getByLabelText("Currency"));
    await user.type(screen.getByLabelText("Currency"), "EUR");
    await user.click(screen.getByRole("button", { name: "Create product" }));
    const currency = screen.getByLabelText("Currency");
    await waitFor(() => expect(currency).toHaveAttribute("aria-invalid", "true"));
    expect(currency).toHaveAccessibleDescription("Must be the shop's currency, USD");
    expect(currency).toHaveValue("EUR");
    expect(fetch).not.toHaveBeenCalled();
  });

  it("shows the server's invalid_field error beside the field it names and keeps what was typed", async () => {
    const user = userEvent.setup();
    renderWithApi(<ProductCreatePage />, () =>
      answer(400, { error: { code: "invalid_field", message: "name: must not contain control characters" } }),
    );
    await fillProduct(user, { sku: "MUG-RED", name: "Red mug", price: "12.50" });
    await user.click(screen.getByRole("button", { name: "Create product" }));
    const name = screen.getByLabelText("Name");
    await waitFor(() => expect(name).toHaveAttribute("aria-invalid", "true"));
    expect(name).toHaveAccessibleDescription("must not contain control characters");
    expect(name).toHaveValue("Red mug");
    expect(screen.getByLabelText("Price")).toHaveValue("12.50");
  });

  it("shows a rule the server enforces (422) as it says it, like any refusal", async () => {
    const user = userEvent.setup();
    renderWithApi(<ProductCreatePage />, () =>
      answer(422, { error: { code: "sku_mismatch", message: "the body's sku differs from the path's" } }),
    );
    await fillProduct(user, { sku: "MUG-RED", name: "Red mug", price: "12.50" });
    await user.click(screen.getByRole("button", { name: "Create product" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("the body's sku differs from the path's");
    expect(screen.getByRole("alert")).toHaveTextContent("sku_mismatch");
    expect(screen.getByLabelText("SKU")).toHaveValue("MUG-RED");
  });

  it("shows any other refusal as the server says it, and keeps the form", async () => {
    const user = userEvent.setup();
    renderWithApi(<ProductCreatePage />, () =>
      answer(409, { error: { code: "sku_exists", message: "a product with SKU MUG-RED already exists" } }),
    );
    await fillProduct(user, { sku: "MUG-RED", name: "Red mug", price: "12.50" });
    await user.click(screen.getByRole("button", { name: "Create product" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("a product with SKU MUG-RED already exists");
    expect(screen.getByLabelText("SKU")).toHaveValue("MUG-RED");
  });

  it("keeps the form after a network failure and says the service could not be reached", async () => {
    const user = userEvent.setup();
    renderWithApi(<ProductCreatePage />, () => {
      throw new TypeError("Failed to fetch");
    });
    await fillProduct(user, { sku: "MUG-RED", name: "Red mug", price: "12.50" });
    await user.click(screen.getByRole("button", { name: "Create product" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("could not be reached");
    expect(screen.getByLabelText("Name")).toHaveValue("Red mug");
  });
});
