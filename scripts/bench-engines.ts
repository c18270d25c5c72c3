// Measures both training engines (chapter 6's Value engine, chapter 8's fast engine) on the
// default configuration (1000 steps) and on a larger one (n_embd 64, n_head 4, n_layer 4,
// block_size 32; 200 steps): ms per step (whole run, and median single step), CPU ms per step,
// steps per second, peak memory, and the speed-up of the fast engine. Each (engine,
// configuration) runs in a fresh Node process with Node's default heap, as the CLI runs the
// default (mean) backward, so JIT warm-up is included as a user would see it, and peak memory is
// that run's alone. The load average is printed too: other processes on a shared machine slow
// every figure down. To make one busy moment count less, the default configuration is run three
// times per engine (the engines taking turns) and the run with the median time is reported.
//
//   ts-node scripts/bench-engines.ts [--quick] [--repeat N] [--out FILE]
//
// --repeat N runs the default configuration N times per engine (default 3).
// --quick times the Value engine on fewer steps (100 and 5) instead of the full runs (the full
// Value-engine run of the larger configuration takes many minutes).
// Prints a table; writes JSON (default bench/engines.json).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

interface Case {
  name: string;
  overrides: Record<string, number>;
  steps: number;
  /** Runs per engine; the median one is reported (the larger case is run once: it is slow). */
  repeats: number;
}

interface Measurement {
  engine: "value" | "fast";
  config: string;
  steps: number;
  seconds: number;
  msPerStep: number;
  medianMsPerStep: number;
  cpuMsPerStep: number;
  stepsPerSecond: number;
  peakMB: number;
  losses: number[];
  /** ms per step of every run of this engine and configuration, in order. */
  runs: number[];
}

const root = path.resolve(__dirname, "..");
const cases: Case[] = [
  { name: "default", overrides: {}, steps: 1000, repeats: 3 },
  {
    name: "n_embd 64, n_head 4, n_layer 4, block_size 32",
    overrides: { n_embd: 64, n_head: 4, n_layer: 4, block_size: 32 },
    steps: 200,
    repeats: 1,
  },
];

// The child: trains one engine on one configuration, prints one JSON line.
const CHILD = `
const m = require(${JSON.stringify(path.join(root, "lib", "dist", "index.js"))});
const [engine, overrides, steps] = [process.argv[1], JSON.parse(process.argv[2]), Number(process.argv[3])];
const config = m.makeConfig({ ...overrides, num_steps: steps });
const run = m.prepareRun(m.defaultCorpus(), config);
const times = [];
let last = performance.now();
const start = last;
const cpu0 = process.cpuUsage();
const losses = m.train(run, () => {
  const now = performance.now();
  times.push(now - last);
  last = now;
}, m.createEngine(engine, run.model));
const seconds = (performance.now() - start) / 1000;
const cpu = process.cpuUsage(cpu0);
times.sort((a, b) => a - b);
process.stdout.write(JSON.stringify({
  seconds, losses, median: times[times.length >> 1], cpuMs: (cpu.user + cpu.system) / 1000, peakKB: process.resourceUsage().maxRSS,
}));
`;

function measure(
  engine: "value" | "fast",
  c: Case,
  steps: number,
): Measurement {
  const res = spawnSync(
    process.execPath,
    ["-e", CHILD, engine, JSON.stringify(c.overrides), String(steps)],
    {
      encoding: "utf8",
      maxBuffer: 1 << 26,
    },
  );
  if (res.status !== 0)
    throw new Error(
      `${engine} on ${c.name} failed: ${res.stderr.trim().split("\n").pop() ?? ""}`,
    );
  const out = JSON.parse(res.stdout) as {
    seconds: number;
    losses: number[];
    median: number;
    cpuMs: number;
    peakKB: number;
  };
  return {
    engine,
    config: c.name,
    steps,
    seconds: out.seconds,
    msPerStep: (out.seconds * 1000) / steps,
    medianMsPerStep: out.median,
    cpuMsPerStep: out.cpuMs / steps,
    stepsPerSecond: steps / out.seconds,
    peakMB: out.peakKB / 1024,
    losses: out.losses,
    runs: [(out.seconds * 1000) / steps],
  };
}

/** The run with the median time, carrying the times of all runs. */
function medianRun(runs: Measurement[]): Measurement {
  const sorted = [...runs].sort((a, b) => a.msPerStep - b.msPerStep);
  return {
    ...sorted[(sorted.length - 1) >> 1],
    runs: runs.map((r) => r.msPerStep),
  };
}

const fmt = (ms: number): string => ms.toFixed(ms < 1 ? 4 : 2);

function main(): void {
  const quick = process.argv.includes("--quick");
  const repeatIndex = process.argv.indexOf("--repeat");
  const defaultRepeats =
    repeatIndex >= 0 ? Number(process.argv[repeatIndex + 1]) : 3;
  if (!Number.isInteger(defaultRepeats) || defaultRepeats < 1)
    throw new Error("--repeat needs a whole number of at least 1");
  const outIndex = process.argv.indexOf("--out");
  const outFile =
    outIndex >= 0
      ? process.argv[outIndex + 1]
      : path.join(root, "bench", "engines.json");
  if (!fs.existsSync(path.join(root, "lib", "dist", "index.js")))
    throw new Error("lib is not built: run `make lib` first");
  const loadBefore = os.loadavg();
  const results: Measurement[] = [];
  const rows: string[][] = [
    [
      "configuration",
      "engine",
      "steps",
      "ms/step",
      "median",
      "cpu ms/step",
      "steps/s",
      "peak MB",
      "speed-up",
      "losses agree",
      "runs (ms/step)",
    ],
  ];
  for (const c of cases) {
    const valueSteps = quick
      ? Math.max(5, Math.round(c.steps / 10 / (c.steps < 1000 ? 4 : 1)))
      : c.steps;
    const repeats = c.name === "default" ? defaultRepeats : c.repeats;
    const fastRuns: Measurement[] = [];
    const valueRuns: Measurement[] = [];
    for (let k = 0; k < repeats; k++) {
      // The engines take turns, so a busy moment is likely to slow both.
      fastRuns.push(measure("fast", c, c.steps));
      process.stderr.write(
        `${c.name}, run ${k + 1} of ${repeats}: fast ` +
          `${fastRuns[k].msPerStep.toFixed(3)} ms/step; ` +
          `Value engine, ${valueSteps} steps...\n`,
      );
      valueRuns.push(measure("value", c, valueSteps));
    }
    const fast = medianRun(fastRuns);
    const value = medianRun(valueRuns);
    // Same configuration and same steps: the losses must agree (to the last bits).
    let worst = 0;
    for (let i = 0; i < value.losses.length && valueSteps === c.steps; i++) {
      worst = Math.max(
        worst,
        Math.abs(value.losses[i] - fast.losses[i]) / Math.abs(value.losses[i]),
      );
    }
    const agree =
      valueSteps === c.steps
        ? `max rel diff ${worst.toExponential(1)}`
        : "(not compared: --quick)";
    const speedup = value.msPerStep / fast.msPerStep;
    for (const r of [value, fast]) {
      results.push(r);
      rows.push([
        c.name,
        r.engine,
        String(r.steps),
        fmt(r.msPerStep),
        fmt(r.medianMsPerStep),
        fmt(r.cpuMsPerStep),
        r.stepsPerSecond.toFixed(0),
        r.peakMB.toFixed(0),
        r.engine === "fast" ? `${speedup.toFixed(0)}x` : "1x",
        r.engine === "fast" ? agree : "",
        r.runs.map(fmt).join(" "),
      ]);
    }
  }
  const loadAfter = os.loadavg();
  console.log(
    `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}), node ${process.version}`,
  );
  console.log(
    `load average before ${loadBefore.map((l) => l.toFixed(2)).join(" ")}, after ${loadAfter.map((l) => l.toFixed(2)).join(" ")}`,
  );
  const widths = rows[0].map((_, j) =>
    Math.max(...rows.map((r) => r[j].length)),
  );
  for (const [i, r] of rows.entries()) {
    console.log(
      r
        .map((cell, j) =>
          j >= 2 && j <= 8 ? cell.padStart(widths[j]) : cell.padEnd(widths[j]),
        )
        .join("  "),
    );
    if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  const json = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "?",
    loadBefore,
    loadAfter,
    quick,
    results: results.map(({ losses, ...r }) => ({
      ...r,
      finalLoss: losses[losses.length - 1],
    })),
  };
  fs.writeFileSync(outFile, JSON.stringify(json, null, 2) + "\n");
  console.log(`\nwritten: ${path.relative(process.cwd(), outFile)}`);
}

try {
  main();
} catch (e) {
  console.error(`bench-engines: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
