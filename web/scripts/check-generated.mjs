// Fails when the committed API types differ from what openapi.yaml generates now.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const committed = "packages/api/src/generated";
const temp = mkdtempSync(join(tmpdir(), "api-types-"));
try {
  try {
    execFileSync(process.execPath, ["packages/api/scripts/generate.mjs", "--out", temp], { stdio: "pipe" });
  } catch (error) {
    console.error(`The API types could not be generated from ../openapi.yaml:\n${String(error.stderr ?? error).trim()}`);
    process.exit(1);
  }
  const stale = ["openapi.ts", "operations.ts", "enums.ts"].filter((file) => {
    let current = "";
    try {
      current = readFileSync(join(committed, file), "utf8");
    } catch {
      return true;
    }
    return current !== readFileSync(join(temp, file), "utf8");
  });
  if (stale.length > 0) {
    console.error(
      `The generated API types are out of date with ../openapi.yaml: ${stale.map((f) => `${committed}/${f}`).join(", ")}.\n` +
        "Run `npm run generate` in web/ and commit the result.",
    );
    process.exit(1);
  }
  console.log("The generated API types match ../openapi.yaml.");
} finally {
  rmSync(temp, { recursive: true, force: true });
}
