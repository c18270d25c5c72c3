// The in-page runner's compiler and runtime (scripts/runner/) on small cells, in Node: the
// semantics of tslab a reader can tell apart. tests/runner/chapters.runner.ts runs the book.
import { describe, expect, it } from "vitest";
import { compileCell, CompileError } from "../scripts/runner/compile";
import type { Output } from "../scripts/runner/runtime";
import { nodeRuntime } from "./runner/node-host";

const text = (outs: Output[]): string =>
  outs
    .map((o) => (o.output_type === "stream" ? o.text : JSON.stringify(o)))
    .join("");

async function runAll(cells: string[]): Promise<Output[][]> {
  const rt = nodeRuntime();
  const all: Output[][] = [];
  for (const c of cells) all.push(await rt.run(c));
  return all;
}

describe("compileCell", () => {
  it("turns top-level declarations into global vars and returns the last expression", () => {
    const c = compileCell(
      "const a: number = 1;\nlet [b, { c }] = [2, { c: 3 }];\na + b",
    );
    expect(c.names).toEqual(["a", "b", "c"]);
    expect(c.script).toContain("var a, b, c;");
    expect(c.script).toContain("return (a + b);");
  });
  it("keeps imports a cell does not use (they load the module)", () => {
    expect(compileCell('import { Value } from "microgpt";').imports).toEqual([
      "microgpt",
    ]);
  });
  it("names the line of a syntax error", () => {
    expect(() => compileCell("const a = 1;\nconst b = ;")).toThrow(
      CompileError,
    );
    expect(() => compileCell("const a = 1;\nconst b = ;")).toThrow(/\(2:/);
  });
  it("refuses export in a cell", () => {
    expect(() => compileCell("export const a = 1;")).toThrow(/cannot export/);
  });
});

describe("runtime", () => {
  it("lets a later cell declare a name again, and earlier functions see the new value", async () => {
    const outs = await runAll([
      "const a = 1;\nfunction twice(): number { return 2 * a; }",
      "const a = 5;\ntwice()",
    ]);
    expect(text(outs[1])).toBe("10\n");
  });
  it("awaits at the top and prints like console.log (util.inspect)", async () => {
    const outs = await runAll([
      'const b = await Promise.resolve(7);\nconsole.log("b is", b, { x: [1, 2] });\n[b, "s"]',
    ]);
    expect(text(outs[0])).toBe("b is 7 { x: [ 1, 2 ] }\n[ 7, 's' ]\n");
  });
  it("prints nothing for a last expression that is undefined or null", async () => {
    const outs = await runAll(["undefined", "null", "let z = 1;"]);
    expect(outs.flat()).toEqual([]);
  });
  it("hoists a function above its use in the same cell", async () => {
    const outs = await runAll([
      "f(2);\nfunction f(x: number) { return x + 1; }\nf(3)",
    ]);
    expect(text(outs[0])).toBe("4\n");
  });
  it("keeps class fields in declaration order, as tsc's ES2022 output does", async () => {
    const outs = await runAll([
      "class P {\n  data: number;\n  grad = 0;\n  constructor(d: number) {\n    this.data = d;\n  }\n}\nnew P(1)",
    ]);
    expect(text(outs[0])).toBe("P { data: 1, grad: 0 }\n");
  });
  it("shows a runtime error with its cell line, and a syntax error", async () => {
    const outs = await runAll([
      'const x = 1;\nthrow new RangeError("bad");',
      "const y = ;",
    ]);
    expect(outs[0]).toEqual([
      { output_type: "error", ename: "RangeError", evalue: "bad", line: 2 },
    ]);
    expect(outs[1][0]).toMatchObject({
      output_type: "error",
      ename: "CompileError",
      line: 1,
    });
  });
  it("displays HTML and SVG through tslab.display", async () => {
    const outs = await runAll([
      'import * as tslab from "tslab";\ntslab.display.html("<b>x</b>");',
    ]);
    expect(outs[0]).toEqual([
      { output_type: "display_data", data: { "text/html": "<b>x</b>" } },
    ]);
  });
  it("prints console.table as Node 20 does", async () => {
    const outs = await runAll([
      'console.table([{ a: 1, b: "x" }, { a: 22, b: "yy" }]);',
    ]);
    expect(text(outs[0])).toBe(
      [
        "┌─────────┬────┬──────┐",
        "│ (index) │ a  │ b    │",
        "├─────────┼────┼──────┤",
        "│ 0       │ 1  │ 'x'  │",
        "│ 1       │ 22 │ 'yy' │",
        "└─────────┴────┴──────┘",
        "",
      ].join("\n"),
    );
  });
  it("reads the published fixtures and writes files in memory", async () => {
    const outs = await runAll([
      'import * as fs from "fs";\nimport * as os from "os";\nimport * as path from "path";\n' +
        'const d = fs.mkdtempSync(path.join(os.tmpdir(), "t-"));\n' +
        'fs.writeFileSync(path.join(d, "a.txt"), "hi");\n' +
        '[fs.readdirSync(d), fs.readFileSync(path.join(d, "a.txt"), "utf8"), ' +
        'fs.existsSync("../tests/fixtures/reference-default-seed42.json"), fs.existsSync("../README.md")]',
    ]);
    expect(text(outs[0])).toBe("[ [ 'a.txt' ], 'hi', true, false ]\n");
  });
  it("imports microgpt as the kernel does", async () => {
    const outs = await runAll([
      'import { Value } from "microgpt";\nnew Value(2).add(3).data',
    ]);
    expect(text(outs[0])).toBe("5\n");
  });
});

describe("dynamic import", () => {
  it("goes through the runtime, which loads what the page can", async () => {
    const c = compileCell('const m = await import("microgpt");\nm.Value.name');
    expect(c.script).not.toMatch(/[^.\w]import\(/);
    const outs = await runAll([
      'const m = await import("microgpt");\nm.Value.name',
    ]);
    expect(text(outs[0])).toBe("Value\n");
  });
});
