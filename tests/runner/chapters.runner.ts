// Every chapter's cells through the in-page runner's compiler and runtime (in Node), compared
// with the notebooks as the tslab kernel executed them: equal, output for output, except the
// cells tagged live-timing (their output is a time) and live-skip (not run: they start a
// process). `make test` runs it after the notebooks (scripts/run-notebooks.py --save-to).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nodeRuntime, ROOT } from "./node-host";
import {
  shownByBuild,
  shownByRunner,
  sourceOf,
  type NotebookCell,
} from "./outputs";

const EXECUTED = process.env.RUNNER_EXECUTED ?? join(ROOT, ".make", "executed");
const only = process.env.CHAPTER;
const chapters = readdirSync(join(ROOT, "chapters"))
  .filter((f) => /^\d\d.*\.ipynb$/.test(f))
  .filter((f) => !only || f.startsWith(`${only}-`))
  .sort();

describe("the runner reproduces the kernel's outputs", () => {
  it.each(chapters)("%s", async (file) => {
    const executed = join(EXECUTED, file);
    if (!existsSync(executed))
      throw new Error(`${executed} is missing: run make notebooks first`);
    const nb = JSON.parse(readFileSync(executed, "utf8")) as {
      cells: NotebookCell[];
    };
    const runtime = nodeRuntime();
    const differences: string[] = [];
    for (const [i, cell] of nb.cells.entries()) {
      if (cell.cell_type !== "code") continue;
      const tags = cell.metadata.tags ?? [];
      if (tags.includes("live-skip")) continue;
      const got = shownByRunner(await runtime.run(sourceOf(cell)));
      if (tags.includes("live-timing") && !got.some((s) => "error" in s))
        continue;
      const want = shownByBuild(cell);
      if (JSON.stringify(got) !== JSON.stringify(want))
        differences.push(
          `cell ${i}:\n  kernel: ${JSON.stringify(want).slice(0, 400)}\n` +
            `  runner: ${JSON.stringify(got).slice(0, 400)}`,
        );
    }
    expect(differences.join("\n")).toBe("");
  });
});
