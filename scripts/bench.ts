// `make bench`: how fast the Value engine (chapters 5-6) trains the default model, as the CLI runs it.
//
//   ts-node scripts/bench.ts [--steps N] [--runs N] [--out FILE] [--big-heap]
//
// Each run is a fresh Node process with Node's default heap, as the CLI runs; --big-heap adds
// runs with a 64 MB young generation (node --max-semi-space-size=64), for comparison. Reports
// ms per step (mean over the run and median of single steps), CPU time per step, peak resident
// memory (maxRSS) and peak V8 heap, and the machine's load average, since other processes on a
// shared machine slow every figure down. Prints a table; writes JSON (default bench/results.json).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const root = path.resolve(__dirname, "..");

// A young generation large enough to hold a whole step's graph.
const BIG_HEAP_FLAG = "--max-semi-space-size=64";

interface Result {
  heap: "node default" | "64 MB young";
  steps: number;
  msPerStep: number;
  medianMsPerStep: number;
  cpuMsPerStep: number;
  peakRssMB: number;
  peakHeapMB: number;
  firstLoss: number;
  lastLoss: number;
}

// The child: the default config (with `steps` steps), timed step by step.
const CHILD = `
const m = require(${JSON.stringify(path.join(root, "lib", "dist", "index.js"))});
const steps = Number(process.argv[1]);
const config = m.makeConfig({ num_steps: steps });
const run = m.prepareRun(m.defaultCorpus(), config);
const times = [];
let peakHeap = 0;
let last = performance.now();
const start = last;
const cpu0 = process.cpuUsage();
const losses = m.train(run, (step) => {
  const now = performance.now();
  times.push(now - last);
  last = now;
  if (step % 50 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
});
const seconds = (performance.now() - start) / 1000;
const cpu = process.cpuUsage(cpu0);
times.sort((a, b) => a - b);
process.stdout.write(JSON.stringify({
  seconds, cpuMs: (cpu.user + cpu.system) / 1000, median: times[times.length >> 1],
  peakRssKB: process.resourceUsage().maxRSS, peakHeap, first: losses[0], last: losses[losses.length - 1],
}));
`;

function measure(steps: number, heap: Result["heap"]): Result {
  const flags = heap === "64 MB young" ? [BIG_HEAP_FLAG] : [];
  const res = spawnSync(
    process.execPath,
    [...flags, "-e", CHILD, String(steps)],
    { encoding: "utf8" },
  );
  if (res.status !== 0)
    throw new Error(
      `bench run failed: ${res.stderr.trim().split("\n").pop() ?? ""}`,
    );
  const o = JSON.parse(res.stdout) as {
    seconds: number;
    cpuMs: number;
    median: number;
    peakRssKB: number;
    peakHeap: number;
    first: number;
    last: number;
  };
  return {
    heap,
    steps,
    msPerStep: (1000 * o.seconds) / steps,
    medianMsPerStep: o.median,
    cpuMsPerStep: o.cpuMs / steps,
    peakRssMB: o.peakRssKB / 1024,
    peakHeapMB: o.peakHeap / 2 ** 20,
    firstLoss: o.first,
    lastLoss: o.last,
  };
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

function main(): void {
  const steps = Number(arg("--steps", "1000"));
  const runs = Number(arg("--runs", "1"));
  const out = path.resolve(root, arg("--out", "bench/results.json"));
  if (
    !Number.isSafeInteger(steps) ||
    steps < 1 ||
    !Number.isSafeInteger(runs) ||
    runs < 1
  ) {
    console.error("bench: --steps and --runs need whole numbers >= 1");
    process.exit(2);
  }
  const load = os.loadavg();
  const heaps: Result["heap"][] = process.argv.includes("--big-heap")
    ? ["node default", "64 MB young"]
    : ["node default"];
  const results: Result[] = [];
  for (let r = 0; r < runs; r++)
    for (const heap of heaps) results.push(measure(steps, heap));
  const loadAfter = os.loadavg();
  const fmt = (x: number, d = 2): string => x.toFixed(d);
  const rows = [
    [
      "heap",
      "steps",
      "ms/step",
      "median ms/step",
      "cpu ms/step",
      "peak RSS MB",
      "peak heap MB",
      "loss 1 -> last",
    ],
    ...results.map((r) => [
      r.heap,
      String(r.steps),
      fmt(r.msPerStep),
      fmt(r.medianMsPerStep),
      fmt(r.cpuMsPerStep),
      fmt(r.peakRssMB, 0),
      fmt(r.peakHeapMB, 0),
      `${fmt(r.firstLoss, 4)} -> ${fmt(r.lastLoss, 4)}`,
    ]),
  ];
  const widths = rows[0].map((_, c) =>
    Math.max(...rows.map((row) => row[c].length)),
  );
  console.log(
    `Value engine, default config, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}), node ${process.version}`,
  );
  console.log(
    `load average before ${load.map((l) => l.toFixed(2)).join(" ")}, after ${loadAfter.map((l) => l.toFixed(2)).join(" ")}`,
  );
  for (const row of rows)
    console.log(row.map((cell, c) => cell.padStart(widths[c])).join("  "));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(
    out,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        cpus: os.cpus().length,
        loadBefore: load,
        loadAfter,
        results,
      },
      null,
      2,
    ) + "\n",
  );
  console.log(`written ${path.relative(root, out)}`);
}

main();
