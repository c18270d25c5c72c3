#!/usr/bin/env node
// The `microgpt` command. This stub is committed so that npm can link it before lib/ is built;
// it runs the compiled CLI, building lib/ first if that has not happened yet.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const main = path.join(__dirname, "..", "dist", "cli", "main.js");
if (!fs.existsSync(main)) {
  const { execFileSync } = require("node:child_process");
  const tsc = require.resolve("typescript/bin/tsc");
  process.stderr.write("microgpt: building lib/ first (one time)...\n");
  execFileSync(
    process.execPath,
    [tsc, "-p", path.join(__dirname, "..", "tsconfig.json")],
    { stdio: "inherit" },
  );
}
require(main).main(process.argv.slice(2));
