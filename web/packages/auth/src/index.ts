export * from "./AuthContext";
export * from "./config";
export * from "./oidc";
export type { User, UserManager } from "oidc-client-ts";
