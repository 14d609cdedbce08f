import { expect, type Page } from "@playwright/test";

/** The dashboard's sign-in screen and the identity provider's page of demo users. */
export class SignInPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto("/");
    await expect(this.page.getByRole("heading", { name: "Order Service admin" })).toBeVisible();
  }

  async signInAs(user: "root" | "alice" | "bob") {
    await this.page.getByRole("button", { name: "Sign in" }).click();
    const role = user === "root" ? "administrator" : "customer";
    await this.page.getByRole("button", { name: `Sign in as ${user} (${role})` }).click();
  }
}
