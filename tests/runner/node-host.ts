// The runner's runtime in Node, for the tests: a fresh global (as a fresh kernel has), the
// browser's shims for fs, os, path, crypto, child_process and Buffer, and the real packages
// for microgpt and microgpt-helpers.
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

/**
 * A runtime on a fresh vm context (the unit tests: many in one process), or on this process's
 * own global, one realm as in a worker (the chapters, each in its own process: an error thrown
 * inside the library is then `instanceof RangeError` in a cell, as in the kernel).
 */
export function nodeRuntime(where: "context" | "process" = "context"): Runtime {
  const own = where === "process";
  const global = (own ? globalThis : vm.createContext({})) as Record<
    string,
    unknown
  >;
  if (!own)
    for (const name of HOST_GLOBALS)
      global[name] = (globalThis as Record<string, unknown>)[name];
  const runtime = createRuntime({
    global,
    evaluate: (script) =>
      own
        ? vm.runInThisContext(script, { filename: "cell" })
        : vm.runInContext(script, global as vm.Context, { filename: "cell" }),
    // The library as the kernel loads it; ES modules (vega) by a real import().
    load: async (name) =>
      shims[name] ??
      (name.startsWith("microgpt") ? require(name) : import(name)),
  });
  installNodeGlobals(global, runtime.write, { keepProcess: own });
  return runtime;
}
