// The runner's runtime in Node, for the tests: each notebook in a fresh vm context (a fresh
// global, as a fresh kernel has), the browser's shims for fs, os, path, crypto and
// child_process, and the real packages for microgpt and microgpt-helpers.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import * as vm from "node:vm";
import path from "path-browserify";
import { installNodeGlobals } from "../../scripts/runner/globals";
import { createRuntime, type Runtime } from "../../scripts/runner/runtime";
import * as childProcess from "../../scripts/runner/shims/child-process";
import * as crypto from "../../scripts/runner/shims/crypto";
import * as fs from "../../scripts/runner/shims/fs";
import * as os from "../../scripts/runner/shims/os";
import published from "../../scripts/runner/published.json";

export const ROOT = join(__dirname, "..", "..");
const require = createRequire(join(ROOT, "chapters", "cell.js"));

// The files the book publishes, read from the repository as the page fetches them.
fs.setFileSource((absolute) =>
  published.files.includes(absolute.slice(1))
    ? readFileSync(join(ROOT, absolute))
    : null,
);

const shims: Record<string, unknown> = {
  fs,
  os,
  path,
  crypto,
  child_process: childProcess,
};

/** What a vm context lacks of a worker's globals. */
const HOST_GLOBALS = [
  "TextEncoder",
  "TextDecoder",
  "performance",
  "setTimeout",
  "clearTimeout",
  "setInterval",
  "clearInterval",
  "queueMicrotask",
  "structuredClone",
  "URL",
  "btoa",
  "atob",
];

export function nodeRuntime(): Runtime {
  const global = vm.createContext({}) as Record<string, unknown>;
  for (const name of HOST_GLOBALS)
    global[name] = (globalThis as Record<string, unknown>)[name];
  const runtime = createRuntime({
    global,
    evaluate: (script) =>
      vm.runInContext(script, global as vm.Context, { filename: "cell" }),
    // The library as the kernel loads it; ES modules (vega) by a real import().
    load: async (name) =>
      shims[name] ??
      (name.startsWith("microgpt") ? require(name) : import(name)),
  });
  installNodeGlobals(global, runtime.write);
  return runtime;
}
