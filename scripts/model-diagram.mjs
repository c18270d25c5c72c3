// Writes the default model's picture (modelDiagram, chapter 5b) for the map page.
// Run by `make book` before Jupyter Book: usage node scripts/model-diagram.mjs OUT.svg
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { makeConfig } from "microgpt";
import { modelDiagram } from "microgpt-helpers";

const out = process.argv[2];
if (out === undefined) {
  console.error("usage: node scripts/model-diagram.mjs OUT.svg");
  process.exit(2);
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, await modelDiagram(makeConfig()));
