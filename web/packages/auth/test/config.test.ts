import { describe, expect, it } from "vitest";
import { safeReturnPath } from "../src/oidc";
import { hostedLogoutUrl, parseConfig } from "../src/config";

describe("config.json", () => {
  it("accepts the local stack's configuration", () => {
    const config = parseConfig({
      stage: "local",
      apiUrl: "http://127.0.0.1:3000/",
      oidc: {
        authority: "https://local-idp.order-service.test",
        metadataUrl: "http://127.0.0.1:3000/local-idp/.well-known/openid-configuration",
        clientId: "order-service-web",
        scope: "openid email profile",
      },
    });
    expect(config.apiUrl).toBe("http://127.0.0.1:3000");
    expect(config.oidc.metadataUrl).toContain("openid-configuration");
  });

  it("accepts Cognito's (no metadataUrl) and says what is wrong with a bad one", () => {
    expect(
      parseConfig({ stage: "prod", apiUrl: "https://api.example", oidc: { authority: "https://cognito-idp.x/pool", clientId: "abc" } }).oidc.scope,
    ).toBe("openid email profile");
    expect(() => parseConfig({ stage: "", apiUrl: "nope", oidc: {} })).toThrow(/stage: required; apiUrl: must be an http\(s\) URL/);
  });

  it("signs out of Cognito's hosted UI back to this app when the config names its logout URL", () => {
    const cognito = parseConfig({
      stage: "prod",
      apiUrl: "https://api.example",
      oidc: { authority: "https://cognito-idp.x/pool", clientId: "abc", logoutUrl: "https://shop.auth.eu-west-1.amazoncognito.com/logout" },
    });
    expect(hostedLogoutUrl(cognito, "https://admin.example")).toBe(
      "https://shop.auth.eu-west-1.amazoncognito.com/logout?client_id=abc&logout_uri=https%3A%2F%2Fadmin.example%2F",
    );
    const local = parseConfig({ stage: "local", apiUrl: "http://127.0.0.1:3000", oidc: { authority: "https://idp", clientId: "abc" } });
    expect(hostedLogoutUrl(local, "http://127.0.0.1:3001")).toBeUndefined();
    expect(() =>
      parseConfig({ stage: "x", apiUrl: "https://a", oidc: { authority: "a", clientId: "b", logoutUrl: "javascript:alert(1)" } }),
    ).toThrow(/oidc.logoutUrl/);
  });
});

describe("the return path after sign-in", () => {
  it("goes back to a page of this app only", () => {
    expect(safeReturnPath({ returnTo: "/orders?status=PAID" })).toBe("/orders?status=PAID");
    expect(safeReturnPath({ returnTo: "//evil.example/x" })).toBe("/");
    expect(safeReturnPath({ returnTo: "https://evil.example" })).toBe("/");
    expect(safeReturnPath({ returnTo: "/auth/callback?code=x" })).toBe("/");
    expect(safeReturnPath(undefined)).toBe("/");
  });
});
