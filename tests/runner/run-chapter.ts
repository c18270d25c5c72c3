// Runs one executed notebook's code cells through the runner in a fresh Node process (a fresh
// kernel per notebook: vega's and Graphviz's module state must not carry over) and prints
// {cells: [{index, outputs}], ms} as JSON. Bundled and started by chapters.runner.ts.
import { readFileSync } from "node:fs";
import { nodeRuntime } from "./node-host";
import type { Output } from "../../scripts/runner/runtime";
import { sourceOf, type NotebookCell } from "./outputs";

async function main(file: string): Promise<void> {
  const nb = JSON.parse(readFileSync(file, "utf8")) as {
    cells: NotebookCell[];
  };
  const runtime = nodeRuntime("process");
  // Printing to the real stdout: the runtime took over console.
  const print = process.stdout.write.bind(process.stdout);
  const cells: { index: number; outputs: Output[] }[] = [];
  const start = performance.now();
  for (const [index, cell] of nb.cells.entries()) {
    if (cell.cell_type !== "code") continue;
    if ((cell.metadata.tags ?? []).includes("live-skip")) continue;
    cells.push({ index, outputs: await runtime.run(sourceOf(cell)) });
  }
  const ms = performance.now() - start;
  print(JSON.stringify({ cells, ms }));
}

void main(process.argv[2]);
