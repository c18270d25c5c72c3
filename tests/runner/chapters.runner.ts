// Every chapter's cells through the in-page runner's compiler and runtime (in Node), compared
// with the notebooks as the tslab kernel executed them: equal, output for output, except the
// cells tagged live-timing (their output is a time) and live-skip (not run: they start a
// process). Each notebook runs in its own process, as each has its own kernel. `make test`
// runs this after the notebooks (scripts/run-notebooks.py --save-to .make/executed).
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from "node:fs";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Output } from "../../scripts/runner/runtime";
import { ROOT } from "./node-host";
import { shownByBuild, shownByRunner, type NotebookCell } from "./outputs";

const EXECUTED = process.env.RUNNER_EXECUTED ?? join(ROOT, ".make", "executed");
const only = process.env.CHAPTER;
const chapters = readdirSync(join(ROOT, "chapters"))
  .filter((f) => /^\d\d.*\.ipynb$/.test(f))
  .filter((f) => !only || f.startsWith(`${only}-`))
  .sort();

let scratch = "";
let runner = "";

beforeAll(async () => {
  // Inside the repository, so that the packages resolve from its node_modules.
  mkdirSync(join(ROOT, ".make"), { recursive: true });
  scratch = mkdtempSync(join(ROOT, ".make", "runner-"));
  runner = join(scratch, "run-chapter.cjs");
  await esbuild.build({
    entryPoints: [join(__dirname, "run-chapter.ts")],
    outfile: runner,
    bundle: true,
    platform: "node",
    format: "cjs",
    // The packages as the kernel loads them: from node_modules, by the chapters' folder.
    packages: "external",
    alias: {
      "path-browserify": join(ROOT, "node_modules/path-browserify/index.js"),
    },
    define: { __dirname: JSON.stringify(__dirname) },
    logLevel: "warning",
  });
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the runner reproduces the kernel's outputs", () => {
  it.each(chapters)("%s", (file) => {
    const executed = join(EXECUTED, file);
    if (!existsSync(executed))
      throw new Error(`${executed} is missing: run make notebooks first`);
    const read = (f: string) =>
      JSON.parse(readFileSync(f, "utf8")) as { cells: NotebookCell[] };
    const nb = read(executed);
    // The chapter's own notebook: its sources and tags (the executed copy may be older).
    const source = join(ROOT, "chapters", file);
    const tagsOf = (i: number) => read(source).cells[i].metadata.tags ?? [];
    const ran = JSON.parse(
      execFileSync(process.execPath, [runner, source], {
        cwd: join(ROOT, "chapters"),
        encoding: "utf8",
        maxBuffer: 1 << 28,
      }),
    ) as { cells: { index: number; outputs: Output[] }[]; ms: number };
    console.log(`${file}: all cells in ${(ran.ms / 1000).toFixed(1)} s`);
    const differences: string[] = [];
    for (const { index, outputs } of ran.cells) {
      const cell = nb.cells[index];
      const got = shownByRunner(outputs);
      const failed = got.some((s) => "error" in s);
      if (tagsOf(index).includes("live-timing") && !failed) continue;
      const want = shownByBuild(cell);
      if (JSON.stringify(got) !== JSON.stringify(want))
        differences.push(
          `cell ${index}:\n  kernel: ${JSON.stringify(want).slice(0, 400)}\n` +
            `  runner: ${JSON.stringify(got).slice(0, 400)}`,
        );
    }
    expect(differences.join("\n")).toBe("");
  });
});
