// Bundles the in-page runner for `make book`: node scripts/runner/build.mjs STATIC PUBLISHED
//   STATIC/runner.js     the page script (every page loads it; a few KB)
//   STATIC/runner.css    its look
//   STATIC/runner/       the Web Worker (worker.js, started on the first Run) and its lazy chunks:
//                        the chart engines (vega, vega-lite) and Graphviz load on first use;
//                        editor.js, CodeMirror, loaded on the first Edit
//   PUBLISHED/           the files the chapters read (scripts/runner/published.json), which
//                        `make book` copies to the book's root
// Everything comes from npm packages pinned in package-lock.json; nothing is fetched at run time.
import * as esbuild from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..");
const [staticDir, publishedDir] = process.argv.slice(2);
if (!staticDir || !publishedDir) {
  console.error("usage: node scripts/runner/build.mjs STATIC PUBLISHED");
  process.exit(2);
}

// Node's built-ins, as the browser has them: the runner's shims, for the cells and the library.
const shims = {
  fs: "shims/fs.ts",
  os: "shims/os.ts",
  crypto: "shims/crypto.ts",
  child_process: "shims/child-process.ts",
  path: "../../node_modules/path-browserify/index.js",
};
const nodeBuiltins = {
  name: "node-builtins",
  setup(build) {
    build.onResolve(
      { filter: /^(node:)?(fs|os|crypto|child_process|path)$/ },
      (args) => ({
        path: join(here, shims[args.path.replace(/^node:/, "")]),
      }),
    );
  },
};

// The charts import vega by a name held in a variable (so that tsc leaves a real import()):
// name the packages literally here, so that esbuild bundles them as lazy chunks.
const literalChartImports = {
  name: "literal-chart-imports",
  setup(build) {
    build.onLoad({ filter: /helpers[\\/]dist[\\/]charts\.js$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      const rewritten = source
        .replace("import(vegaName)", 'import("vega")')
        .replace("import(vegaLiteName)", 'import("vega-lite")');
      if (
        !rewritten.includes('import("vega")') ||
        !rewritten.includes('import("vega-lite")')
      )
        return {
          errors: [
            {
              text: "helpers/dist/charts.js no longer imports vegaName and vegaLiteName",
            },
          ],
        };
      return { contents: rewritten, loader: "js" };
    });
  },
};

const workerDir = join(staticDir, "runner");
rmSync(workerDir, { recursive: true, force: true });
mkdirSync(workerDir, { recursive: true });
const common = {
  bundle: true,
  platform: "browser",
  target: "es2022",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
  define: { "process.env.NODE_ENV": '"production"' },
};
const worker = await esbuild.build({
  ...common,
  entryPoints: [join(here, "worker.ts"), join(here, "editor.ts")],
  outdir: workerDir,
  format: "esm",
  splitting: true,
  chunkNames: "[name]-[hash]",
  plugins: [nodeBuiltins, literalChartImports],
  metafile: true,
});
await esbuild.build({
  ...common,
  entryPoints: [join(here, "page.ts")],
  outfile: join(staticDir, "runner.js"),
  format: "iife",
});
copyFileSync(join(here, "runner.css"), join(staticDir, "runner.css"));

// The worker itself must not carry the chart engines: they are chunks loaded on first use.
const main = Object.entries(worker.metafile.outputs).find(([f]) =>
  f.endsWith("worker.js"),
);
const eager = Object.keys(main[1].inputs).filter((f) =>
  /node_modules\/(vega|vega-lite|@viz-js)\//.test(f),
);
if (eager.length > 0) {
  console.error(
    `the runner's worker must load these lazily: ${eager.slice(0, 3).join(", ")}`,
  );
  process.exit(1);
}

const { files } = JSON.parse(
  readFileSync(join(here, "published.json"), "utf8"),
);
rmSync(publishedDir, { recursive: true, force: true });
for (const file of files) {
  mkdirSync(dirname(join(publishedDir, file)), { recursive: true });
  copyFileSync(join(repo, file), join(publishedDir, file));
}
