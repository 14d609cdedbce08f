// Prints an app's initial JavaScript (the entry chunk and every chunk it
// imports statically, not the lazy ones) gzipped, and fails above the budget.
// Usage: node scripts/bundle-size.mjs <dist> <budget in kB> [app name]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const [dist = "apps/admin/dist", budgetArg = "200", name = "admin dashboard"] = process.argv.slice(2);
const budget = Number(budgetArg) * 1000;
const manifest = JSON.parse(readFileSync(join(dist, ".vite/manifest.json"), "utf8"));

const entries = Object.entries(manifest).filter(([, chunk]) => chunk.isEntry);
if (entries.length !== 1) throw new Error(`expected one entry chunk in the manifest, found ${entries.length}`);

const initial = new Map();
const visit = (key) => {
  const chunk = manifest[key];
  if (!chunk || initial.has(chunk.file)) return;
  initial.set(chunk.file, chunk);
  for (const imported of chunk.imports ?? []) visit(imported);
};
visit(entries[0][0]);

const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
let total = 0;
const rows = [...initial.keys()].filter((f) => f.endsWith(".js")).map((file) => {
  const size = gz(file);
  total += size;
  return { file, size };
});
const css = [...initial.values()].flatMap((c) => c.css ?? []);
const lazy = Object.values(manifest).filter((c) => c.file.endsWith(".js") && !initial.has(c.file)).length;

console.log(`Initial JavaScript of the ${name} (gzip):`);
for (const { file, size } of rows.sort((a, b) => b.size - a.size)) console.log(`  ${kB(size).padStart(9)}  ${file}`);
console.log(`  ${kB(total).padStart(9)}  total, budget ${kB(budget)} (${lazy} lazy chunks not counted)`);
for (const file of css) console.log(`  ${kB(gz(file)).padStart(9)}  ${file} (CSS, not counted)`);
if (total > budget) {
  console.error(`The ${name}'s initial JavaScript is ${kB(total)} gzipped, over the ${kB(budget)} budget.`);
  process.exit(1);
}
