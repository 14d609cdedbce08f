export * from "./Field";
export * from "./format";
export * from "./forms";
export * from "./RouteError";
export * from "./ServiceProviders";
export * from "./Shell";
export * from "./start";
export * from "./states";
