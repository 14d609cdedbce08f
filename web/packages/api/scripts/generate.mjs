// Generates the API's TypeScript types from the contract, ../../../openapi.yaml:
//   src/generated/openapi.ts     the types (openapi-typescript), used by the typed client;
//   src/generated/operations.ts  which operations and query parameters the contract has,
//                                so screens whose endpoint is not in it yet can say so;
//   src/generated/enums.ts       the values of the contract's named enums (CountryCode,
//                                OrderStatus, ...), for forms that check or list them.
// Never edit either file by hand: run `npm run generate` from web/.
// `--out DIR` writes elsewhere (check:generated compares such a copy with the committed one);
// `--contract FILE` reads another contract (to try a branch's spec).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import openapiTS, { astToString, COMMENT_HEADER } from "openapi-typescript";
import { parse } from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
const contractArg = process.argv.indexOf("--contract");
export const contract =
  contractArg > 0 ? resolve(process.argv[contractArg + 1]) : resolve(here, "../../../../openapi.yaml");
const outArg = process.argv.indexOf("--out");
const out = outArg > 0 ? resolve(process.argv[outArg + 1]) : resolve(here, "../src/generated");

const HEADER = `${COMMENT_HEADER}// Generated from openapi.yaml by packages/api/scripts/generate.mjs (npm run generate).\n\n`;

// emptyObjectsUnknown: an allOf part that only lists `required` (CreateProductRequest)
// must not become Record<string, never>, which no body could satisfy.
const ast = await openapiTS(pathToFileURL(contract), { emptyObjectsUnknown: true });
const types = HEADER + astToString(ast);

const spec = parse(readFileSync(contract, "utf8"));
const methods = ["get", "put", "post", "delete", "patch"];
const manifest = {};
for (const [path, item] of Object.entries(spec.paths ?? {})) {
  const shared = item.parameters ?? [];
  for (const method of methods) {
    const op = item[method];
    if (!op?.operationId) continue;
    const query = [...shared, ...(op.parameters ?? [])]
      .map((p) => (p.$ref ? spec.components.parameters[p.$ref.split("/").pop()] : p))
      .filter((p) => p.in === "query")
      .map((p) => p.name);
    manifest[op.operationId] = { method: method.toUpperCase(), path, query };
  }
}
const sorted = Object.fromEntries(Object.entries(manifest).sort(([a], [b]) => a.localeCompare(b)));
const operations =
  HEADER +
  `/** Every operation of the contract: its method, path and query parameters. */\n` +
  `export const operations = ${JSON.stringify(sorted, null, 2)} as const;\n\n` +
  `export type OperationId = keyof typeof operations;\n`;

// Named string enums as runtime values, typed by the generated schemas they come from.
const enumEntries = Object.entries(spec.components?.schemas ?? {})
  .filter(([, schema]) => Array.isArray(schema?.enum) && schema.enum.every((v) => typeof v === "string"))
  .sort(([a], [b]) => a.localeCompare(b));
const enums =
  HEADER +
  `import type { components } from "./openapi";\n\n` +
  enumEntries
    .map(
      ([name, schema]) =>
        `/** Every value of the contract's \`${name}\`. */\n` +
        `export const ${name}Values = ${JSON.stringify(schema.enum)} as const satisfies readonly components["schemas"]["${name}"][];\n`,
    )
    .join("\n");

mkdirSync(out, { recursive: true });
writeFileSync(join(out, "openapi.ts"), types);
writeFileSync(join(out, "operations.ts"), operations);
writeFileSync(join(out, "enums.ts"), enums);
console.log(`generated ${join(out, "openapi.ts")}, operations.ts and enums.ts from ${contract}`);
