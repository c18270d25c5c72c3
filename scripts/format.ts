// Formats the TypeScript of the chapters' code cells with Prettier (.prettierrc.json), so every
// line fits the book's code column (80 characters) without scrolling.
//
//   ts-node scripts/format.ts          rewrite the code cells that are not formatted
//   ts-node scripts/format.ts --check  fail (exit 1) naming each cell that is not formatted
//
// Only cell sources change; cell ids, metadata and markdown stay as they are. The hand-written
// files (lib/cli, scripts, tests) are formatted by the Prettier command line (`make format`).
import * as fs from "node:fs";
import * as path from "node:path";
import * as prettier from "prettier";

const root = path.resolve(__dirname, "..");
// The book's code column: a longer line scrolls sideways (tests/browser checks the pages).
const WIDTH = 80;
const chaptersDir = path.join(root, "chapters");

interface Cell {
  cell_type: string;
  source: string | string[];
}

function sourceOf(cell: Cell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

/** Notebook source: a list of lines, each but the last ending in "\n". */
function toSourceLines(text: string): string[] {
  return text.split(/(?<=\n)/);
}

async function main(): Promise<void> {
  const check = process.argv.includes("--check");
  const options =
    (await prettier.resolveConfig(path.join(root, "package.json"))) ?? {};
  const problems: string[] = [];
  for (const file of fs
    .readdirSync(chaptersDir)
    .filter((f) => f.endsWith(".ipynb"))
    .sort()) {
    const target = path.join(chaptersDir, file);
    const text = fs.readFileSync(target, "utf8");
    const nb = JSON.parse(text) as { cells: Cell[] };
    const changed: number[] = [];
    for (const [index, cell] of nb.cells.entries()) {
      if (cell.cell_type !== "code") continue;
      const source = sourceOf(cell);
      let formatted: string;
      try {
        formatted = (
          await prettier.format(source, { ...options, parser: "typescript" })
        ).replace(/\n+$/, "");
      } catch (e) {
        throw new Error(
          `chapters/${file} cell ${index} does not parse: ${(e as Error).message.split("\n")[0]}`,
        );
      }
      if (formatted !== source) {
        changed.push(index);
        cell.source = toSourceLines(formatted);
      }
      // Prettier leaves long strings and comments as they are: those need a hand.
      for (const [n, line] of formatted.split("\n").entries()) {
        if (line.length > WIDTH)
          problems.push(
            `chapters/${file} cell ${index} line ${n + 1} is ${line.length} characters (at most ${WIDTH}): split it`,
          );
      }
    }
    if (changed.length === 0) continue;
    if (check) {
      problems.push(
        `chapters/${file}: cells ${changed.join(", ")} are not formatted`,
      );
    } else {
      // The notebook's own JSON layout (one-space indent, unescaped text, final newline).
      fs.writeFileSync(target, JSON.stringify(nb, null, 1) + "\n");
      console.log(`formatted chapters/${file} (cells ${changed.join(", ")})`);
    }
  }
  if (problems.length > 0) {
    console.error(problems.join("\n"));
    if (problems.some((p) => p.endsWith("not formatted")))
      console.error("run `make format` to format them");
    process.exit(1);
  }
}

main().catch((e: unknown) => {
  console.error(`format: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
