import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { Component as CatalogPage } from "../src/routes/catalog/CatalogPage";
import { answer, renderShop } from "./render";

const product = (sku: string, name: string, available: number, allowBackorder = false) => ({
  sku,
  name,
  description: "",
  price: { amount: 2500, currency: "USD" },
  available,
  allowBackorder,
  weightGrams: 200,
});

const routes = [{ path: "/", element: <CatalogPage /> }];

describe("the catalog", () => {
  it("shows each product's price and availability and pages with the API's cursor", async () => {
    const urls: string[] = [];
    renderShop({
      routes,
      path: "/",
      respond: (request) => {
        const url = new URL(request.url);
        urls.push(url.pathname + url.search);
        return url.searchParams.get("cursor") === "next-1"
          ? answer(200, { items: [product("CAP-NAVY", "Navy cap", 0, false)], nextCursor: null })
          : answer(200, { items: [product("TEE-BLACK-M", "Black T-shirt (M)", 40), product("HOODIE-GREY-L", "Grey hoodie (L)", 4), product("MUG-LOGO", "Logo mug", 0, true)], nextCursor: "next-1" });
      },
    });
    const list = await screen.findByRole("list", { name: "Products" });
    const card = (name: string) => within(list).getByRole("heading", { name }).closest("li")!;
    expect(card("Black T-shirt (M)")).toHaveTextContent("$25.00");
    expect(card("Black T-shirt (M)")).toHaveTextContent("In stock");
    expect(card("Grey hoodie (L)")).toHaveTextContent("Only 4 left");
    expect(card("Logo mug")).toHaveTextContent("On backorder");

    await userEvent.click(screen.getByRole("button", { name: "Show more products" }));
    expect(await within(list).findByRole("heading", { name: "Navy cap" })).toBeInTheDocument();
    expect(card("Navy cap")).toHaveTextContent("Sold out");
    expect(within(card("Navy cap")).getByRole("button", { name: "Sold out" })).toBeDisabled();
    expect(screen.queryByRole("button", { name: "Show more products" })).toBeNull();
    expect(urls).toEqual(["/products?limit=12", "/products?limit=12&cursor=next-1"]);
  });

  it("says when nothing is for sale, and when the catalog cannot be read", async () => {
    const empty = renderShop({ routes, path: "/", respond: () => answer(200, { items: [], nextCursor: null }) });
    expect(await screen.findByText("Nothing is for sale right now. Please come back soon.")).toBeInTheDocument();
    empty.unmount();
    renderShop({ routes, path: "/", respond: () => answer(500, { error: { code: "internal", message: "unexpected error" } }) });
    expect(await screen.findByRole("alert")).toHaveTextContent("The products could not be loaded. Unexpected error.");
  });
});
