// Bundles the live page's widget (scripts/live/widget.ts + the lib modules it uses) for the
// browser: `node scripts/live/build.mjs OUTDIR` writes OUTDIR/live.js and OUTDIR/live.css.
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

// lib/data.ts reads files with `fs` (loadDocs), which the widget never calls: give the browser
// an empty module instead. The @stdlib name lists have a `browser` entry that esbuild follows.
const stubNodeBuiltins = {
  name: "stub-node-builtins",
  setup(build) {
    build.onResolve({ filter: /^(node:)?(fs|path)$/ }, (args) => ({
      path: args.path,
      namespace: "stub",
    }));
    build.onLoad({ filter: /.*/, namespace: "stub" }, () => ({
      contents: "module.exports = {};",
      loader: "js",
    }));
  },
};

const result = await esbuild.build({
  entryPoints: [join(here, "widget.ts")],
  outfile: join(outdir, "live.js"),
  bundle: true,
  platform: "browser",
  format: "iife",
  target: "es2020",
  minify: true,
  sourcemap: false,
  legalComments: "none",
  plugins: [stubNodeBuiltins],
  logLevel: "warning",
  metafile: true,
});
// The page trains and samples: the book's charts and Graphviz must not ride along (of the
// helpers, only the smoothing of a curve, helpers/smooth.ts, which imports nothing).
const heavy = Object.keys(result.metafile.inputs).filter(
  (f) =>
    /node_modules\/(vega|vega-lite|@viz-js)\//.test(f) ||
    (/(^|\/)helpers\//.test(f) && !f.endsWith("helpers/smooth.ts")),
);
if (heavy.length > 0) {
  console.error(`the live page must not bundle ${heavy.join(", ")}`);
  process.exit(1);
}
copyFileSync(join(here, "live.css"), join(outdir, "live.css"));
