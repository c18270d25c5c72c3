// Bundles the live page's playground (scripts/live/widget.ts, its Web Worker worker.ts, and the
// lib modules they use) for the browser: `node scripts/live/build.mjs OUTDIR` writes
// OUTDIR/live.js (the worker's code inside it) and OUTDIR/live.css.
// Sphinx copies OUTDIR into the book's _static folder (html_static_path in _config.yml).
import * as esbuild from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outdir = process.argv[2];
if (!outdir) {
  console.error("usage: node scripts/live/build.mjs OUTDIR");
  process.exit(2);
}
mkdirSync(outdir, { recursive: true });

// lib/data.ts reads files with `fs` (loadDocs), lib/checkpoint.ts writes them and hashes
// documents with `crypto`; the page calls none of these: give the browser an empty module. The @stdlib name lists have a `browser` entry that esbuild follows.
const stubNodeBuiltins = {
  name: "stub-node-builtins",
  setup(build) {
    build.onResolve({ filter: /^(node:)?(fs|path|crypto)$/ }, (args) => ({
      path: args.path,
      namespace: "stub",
    }));
    build.onLoad({ filter: /.*/, namespace: "stub" }, () => ({
      contents: "module.exports = {};",
      loader: "js",
    }));
  },
};

// The built-in names (80 kB) are for the worker: marked free of side effects, they drop out of
// the page's bundle, which imports lib/data.ts only for its types and small constants.
const namesOnDemand = {
  name: "names-on-demand",
  setup(build) {
    build.onResolve({ filter: /^@stdlib\/datasets-/ }, async (args) => {
      if (args.pluginData === "inner") return undefined;
      const { path, namespace } = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        pluginData: "inner",
      });
      return { path, namespace, sideEffects: false };
    });
  },
};

const common = {
  bundle: true,
  platform: "browser",
  format: "iife",
  target: "es2020",
  minify: true,
  sourcemap: false,
  legalComments: "none",
  plugins: [stubNodeBuiltins, namesOnDemand],
  logLevel: "warning",
  metafile: true,
};
// The worker first: its code rides inside live.js as a string (a Blob worker also runs from
// file://, where Chromium refuses a worker script file).
const worker = await esbuild.build({
  ...common,
  entryPoints: [join(here, "worker.ts")],
  write: false,
});
const result = await esbuild.build({
  ...common,
  entryPoints: [join(here, "widget.ts")],
  outfile: join(outdir, "live.js"),
  define: { LIVE_WORKER_SOURCE: JSON.stringify(worker.outputFiles[0].text) },
});
// The page trains and samples: the book's charts and Graphviz must not ride along (of the
// helpers, only the smoothing of a curve, helpers/smooth.ts, which imports nothing).
const heavy = [worker, result]
  .flatMap((r) => Object.keys(r.metafile.inputs))
  .filter(
    (f) =>
      /node_modules\/(vega|vega-lite|@viz-js)\//.test(f) ||
      (/(^|\/)helpers\//.test(f) && !f.endsWith("helpers/smooth.ts")),
  );
if (heavy.length > 0) {
  console.error(`the live page must not bundle ${heavy.join(", ")}`);
  process.exit(1);
}
copyFileSync(join(here, "live.css"), join(outdir, "live.css"));
