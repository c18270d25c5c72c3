// Measures the book's two training engines (chapter 6's Value engine, chapter 8's fast engine)
// and two peers written for this benchmark (scripts/peers/: the same model in NumPy with a
// hand-derived backward pass, and in PyTorch on the CPU when `torch` is importable in .venv) on
// three configurations: the default (1000 steps), a larger one (n_embd 64, 4 heads, 4 layers,
// block_size 32; 200 steps) and a wide one (n_embd 128, 8 heads, 2 layers, block_size 32; 100
// steps). Every engine starts from the same initial weights and trains on the same documents,
// one per step, so their losses can be compared step by step. Reported: ms per step (whole run,
// and median single step), CPU ms per step, steps per second, peak memory, and how many times
// faster the fast engine is than each. Every engine's first ten losses must match the fast
// engine's to 1e-9 (relative), or the bench stops: a peer computing something else has no time
// worth reporting. Each (engine, configuration) runs in a fresh process, JIT warm-up included as
// a user would see it; the clock starts once the model is built, for every engine, and stops
// after the last step. The peers use one thread, as the book's engines do. Every configuration
// is run three times per engine (the engines taking turns; the Value engine only once beyond
// the default) and the run with the median time is reported.
//
// Then the cost sweep: n_embd 8, 16, 32, 64, 128 (4 heads, 2 layers, block_size 32, 200 steps)
// for the fast engine and the peers, two runs each (the faster counts), the median single step
// of each run, with the FLOPs of a step computed analytically.
//
//   ts-node scripts/bench-engines.ts [--quick] [--repeat N] [--out FILE] [--no-sweep]
//
// --repeat N runs each configuration N times per engine (default 3).
// --quick times the Value engine on fewer steps instead of the full runs (the full Value-engine
// runs of the larger configurations take the better part of a minute each).
// Prints tables; writes JSON (default bench/engines.json), which chapter 8 reads.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  type Config,
  defaultCorpus,
  makeConfig,
  parameterLayout,
  positionCount,
  prepareRun,
  trainingTokens,
} from "microgpt";

type Engine = "value" | "fast" | "numpy" | "torch";

interface Case {
  name: string;
  overrides: Record<string, number>;
  steps: number;
}

interface Measurement {
  engine: Engine;
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

interface SweepPoint {
  n_embd: number;
  /** Mean over the steps trained: forward and backward, multiplies and adds counted apart. */
  flopsPerStep: number;
  /** Median single step, ms, by engine. */
  medianMsPerStep: Partial<Record<Engine, number>>;
  msPerStep: Partial<Record<Engine, number>>;
}

const root = path.resolve(__dirname, "..");
const libIndex = path.join(root, "lib", "dist", "index.js");
const python = path.join(root, ".venv", "bin", "python");
const peerRunner = path.join(root, "scripts", "peers", "run.py");

const cases: Case[] = [
  { name: "default", overrides: {}, steps: 1000 },
  {
    name: "n_embd 64, n_head 4, n_layer 4, block_size 32",
    overrides: { n_embd: 64, n_head: 4, n_layer: 4, block_size: 32 },
    steps: 200,
  },
  {
    name: "n_embd 128, n_head 8, n_layer 2, block_size 32",
    overrides: { n_embd: 128, n_head: 8, n_layer: 2, block_size: 32 },
    steps: 100,
  },
];

const sweepWidths = [8, 16, 32, 64, 128];
/** Every engine must match the fast engine's first losses this closely. */
const CHECKED_STEPS = 10;
const EARLY_TOLERANCE = 1e-9;
const sweepShape = { n_head: 4, n_layer: 2, block_size: 32 };
const sweepSteps = 200;

// The child for the book's engines: trains one engine on one configuration, prints one JSON line.
const CHILD = `
const m = require(${JSON.stringify(libIndex)});
const [engine, overrides, steps] = [process.argv[1], JSON.parse(process.argv[2]), Number(process.argv[3])];
const config = m.makeConfig({ ...overrides, num_steps: steps });
const run = m.prepareRun(m.defaultCorpus(), config);
// Built before the clock starts, as the peers build their models.
const trainer = m.createEngine(engine, run.model);
const times = [];
let last = performance.now();
const start = last;
const cpu0 = process.cpuUsage();
const losses = m.train(run, () => {
  const now = performance.now();
  times.push(now - last);
  last = now;
}, trainer);
const seconds = (performance.now() - start) / 1000;
const cpu = process.cpuUsage(cpu0);
times.sort((a, b) => a - b);
process.stdout.write(JSON.stringify({
  seconds, losses, median: times[times.length >> 1], cpuMs: (cpu.user + cpu.system) / 1000, peakKB: process.resourceUsage().maxRSS,
}));
`;

/** The run both peers train: config, layout, initial weights, each step's tokens. */
function writeJob(
  overrides: Record<string, number>,
  steps: number,
  file: string,
): number[][] {
  const config = makeConfig({ ...overrides, num_steps: steps });
  const run = prepareRun(defaultCorpus(), config);
  const layout = parameterLayout(config, run.model.vocabSize);
  const weights: Record<string, number[]> = {};
  for (const [name] of layout)
    weights[name] = run.model.stateDict[name].flat().map((v) => v.data);
  const docs = Array.from(
    { length: Math.min(steps, run.docs.length) },
    (_, s) => trainingTokens(run.tok, run.docs[s], config),
  );
  fs.writeFileSync(file, JSON.stringify({ config, layout, weights, docs }));
  return docs;
}

/**
 * FLOPs of one training step on a document of n positions (one multiply-add = 2): every linear
 * map (4 E^2 + 8 E^2 per layer, V E for lm_head) and attention's scores and weighted sums (2 E
 * per key position per layer) forward, twice that backward (the input's and the weight's
 * gradients), and Adam (about 10 per parameter). Norms, softmax and activations are left out.
 */
function flopsPerStep(config: Config, vocab: number, n: number): number {
  const { n_embd: E, n_layer: L } = config;
  const perPosition = 2 * (12 * L * E * E + vocab * E);
  const attention = 2 * 2 * E * L * ((n * (n + 1)) / 2);
  const params = vocab * E * 2 + config.block_size * E + 12 * L * E * E;
  return 3 * (n * perPosition + attention) + 10 * params;
}

function meanFlops(config: Config, docs: number[][]): number {
  const vocab = 1 + Math.max(...docs.flat());
  let sum = 0;
  for (let s = 0; s < config.num_steps; s++)
    sum += flopsPerStep(
      config,
      vocab,
      positionCount(docs[s % docs.length], config),
    );
  return sum / config.num_steps;
}

function torchAvailable(): boolean {
  return (
    spawnSync(python, ["-c", "import torch"], { encoding: "utf8" }).status === 0
  );
}

interface ChildOutput {
  seconds: number;
  losses: number[];
  median: number;
  cpuMs: number;
  peakKB: number;
}

function measure(
  engine: Engine,
  config: string,
  overrides: Record<string, number>,
  steps: number,
  jobFile: string,
): Measurement {
  const res =
    engine === "value" || engine === "fast"
      ? spawnSync(
          process.execPath,
          ["-e", CHILD, engine, JSON.stringify(overrides), String(steps)],
          { encoding: "utf8", maxBuffer: 1 << 26 },
        )
      : spawnSync(python, [peerRunner, engine, jobFile], {
          encoding: "utf8",
          maxBuffer: 1 << 26,
        });
  if (res.status !== 0)
    throw new Error(
      `${engine} on ${config} failed: ${res.stderr.trim().split("\n").pop() ?? ""}`,
    );
  const out = JSON.parse(res.stdout) as ChildOutput;
  return {
    engine,
    config,
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

/** Worst relative difference between two loss curves, over their common steps. */
function lossGap(a: readonly number[], b: readonly number[]): number {
  let worst = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++)
    worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.abs(b[i]));
  return worst;
}

const mean = (xs: readonly number[]): number =>
  xs.reduce((s, x) => s + x, 0) / xs.length;

const fmt = (ms: number): string => ms.toFixed(ms < 1 ? 4 : 2);

function printTable(rows: string[][], numeric: (j: number) => boolean): void {
  const widths = rows[0].map((_, j) =>
    Math.max(...rows.map((r) => r[j].length)),
  );
  for (const [i, r] of rows.entries()) {
    console.log(
      r
        .map((cell, j) =>
          numeric(j) ? cell.padStart(widths[j]) : cell.padEnd(widths[j]),
        )
        .join("  ")
        .trimEnd(),
    );
    if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function main(): void {
  const quick = process.argv.includes("--quick");
  const sweep = !process.argv.includes("--no-sweep");
  const repeats = Number(argValue("--repeat") ?? 3);
  if (!Number.isInteger(repeats) || repeats < 1)
    throw new Error("--repeat needs a whole number of at least 1");
  const outFile = argValue("--out") ?? path.join(root, "bench", "engines.json");
  if (!fs.existsSync(libIndex))
    throw new Error("lib is not built: run `make lib` first");
  if (!fs.existsSync(python))
    throw new Error(
      "no .venv: run `make setup` first (the NumPy peer needs it)",
    );
  const withTorch = torchAvailable();
  const peers: Engine[] = withTorch ? ["numpy", "torch"] : ["numpy"];
  if (!withTorch)
    process.stderr.write(
      "PyTorch is not installed in .venv: measuring without it " +
        "(.venv/bin/pip install torch==2.13.0 adds it)\n",
    );
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "microgpt-bench-"));
  const loadBefore = os.loadavg();
  const results: Measurement[] = [];
  const agreement: {
    config: string;
    engine: Engine;
    maxRelDiff: number;
    /** Over the first CHECKED_STEPS steps, before training's own chaos amplifies rounding. */
    maxRelDiffEarly: number;
  }[] = [];
  const points: SweepPoint[] = [];
  try {
    for (const [ci, c] of cases.entries()) {
      const jobFile = path.join(tmp, `case${ci}.json`);
      writeJob(c.overrides, c.steps, jobFile);
      const valueSteps = quick
        ? Math.max(5, Math.round(c.steps / 40))
        : c.steps;
      const byEngine = new Map<Engine, Measurement[]>();
      const engines: Engine[] = ["fast", "value", ...peers];
      for (let k = 0; k < repeats; k++) {
        // The engines take turns, so a busy moment is likely to slow all of them.
        for (const engine of engines) {
          // Once is enough for the Value engine beyond the default: it is
          // about a hundred times slower there, with nothing to decide.
          if (engine === "value" && k > 0 && c.name !== "default") continue;
          const steps = engine === "value" ? valueSteps : c.steps;
          const m = measure(engine, c.name, c.overrides, steps, jobFile);
          byEngine.set(engine, [...(byEngine.get(engine) ?? []), m]);
          process.stderr.write(
            `${c.name}, run ${k + 1} of ${repeats}: ${engine} ` +
              `${m.msPerStep.toFixed(3)} ms/step\n`,
          );
        }
      }
      const fast = medianRun(byEngine.get("fast") ?? []);
      for (const engine of engines) {
        const r = medianRun(byEngine.get(engine) ?? []);
        results.push(r);
        if (engine !== "fast" && r.steps === c.steps)
          agreement.push({
            config: c.name,
            engine,
            maxRelDiff: lossGap(r.losses, fast.losses),
            maxRelDiffEarly: lossGap(
              r.losses.slice(0, CHECKED_STEPS),
              fast.losses,
            ),
          });
      }
    }
    if (sweep) {
      for (const e of sweepWidths) {
        const overrides = { ...sweepShape, n_embd: e };
        const name = `sweep n_embd ${e}`;
        const jobFile = path.join(tmp, `sweep${e}.json`);
        const docs = writeJob(overrides, sweepSteps, jobFile);
        const config = makeConfig({ ...overrides, num_steps: sweepSteps });
        const point: SweepPoint = {
          n_embd: e,
          flopsPerStep: meanFlops(config, docs),
          medianMsPerStep: {},
          msPerStep: {},
        };
        // Each engine twice, taking turns; the faster of its two runs counts.
        let fastLosses: number[] = [];
        for (let k = 0; k < 2; k++) {
          for (const engine of ["fast", ...peers] as Engine[]) {
            const m = measure(engine, name, overrides, sweepSteps, jobFile);
            if (engine === "fast") fastLosses = m.losses;
            else if (k === 0)
              agreement.push({
                config: name,
                engine,
                maxRelDiff: lossGap(m.losses, fastLosses),
                maxRelDiffEarly: lossGap(
                  m.losses.slice(0, CHECKED_STEPS),
                  fastLosses,
                ),
              });
            point.medianMsPerStep[engine] = Math.min(
              m.medianMsPerStep,
              point.medianMsPerStep[engine] ?? Infinity,
            );
            point.msPerStep[engine] = Math.min(
              m.msPerStep,
              point.msPerStep[engine] ?? Infinity,
            );
            process.stderr.write(
              `${name}: ${engine} ${m.medianMsPerStep.toFixed(3)} ms/step (median step)\n`,
            );
          }
        }
        points.push(point);
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  // A peer that leaves our loss curve is computing something else: its times would mean nothing.
  // Only the first steps are held to it: on the wide models training is chaotic (the loss jumps
  // to 20 and back), and a difference in the last bit grows to a percent within 150 steps.
  const astray = agreement.filter(
    (a) => !(a.maxRelDiffEarly <= EARLY_TOLERANCE),
  );
  if (astray.length > 0)
    throw new Error(
      astray
        .map(
          (a) =>
            `${a.engine} on ${a.config}: the first ${CHECKED_STEPS} losses differ from the ` +
            `fast engine's by up to ${a.maxRelDiffEarly.toExponential(1)} ` +
            `(relative; at most ${EARLY_TOLERANCE} allowed)`,
        )
        .join("; "),
    );
  const loadAfter = os.loadavg();
  console.log(
    `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}), node ${process.version}`,
  );
  console.log(
    `load average before ${loadBefore.map((l) => l.toFixed(2)).join(" ")}, after ${loadAfter.map((l) => l.toFixed(2)).join(" ")}`,
  );
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
      "x fast's time",
      "loss: mean of last 50, max rel diff to fast",
      "runs (ms/step)",
    ],
  ];
  for (const r of results) {
    const fast = results.find(
      (f) => f.engine === "fast" && f.config === r.config,
    );
    const gap = agreement.find(
      (a) => a.engine === r.engine && a.config === r.config,
    );
    rows.push([
      r.config,
      r.engine,
      String(r.steps),
      fmt(r.msPerStep),
      fmt(r.medianMsPerStep),
      fmt(r.cpuMsPerStep),
      r.stepsPerSecond.toFixed(0),
      r.peakMB.toFixed(0),
      fast === undefined || r.engine === "fast"
        ? ""
        : `${(r.msPerStep / fast.msPerStep).toFixed(r.msPerStep / fast.msPerStep < 10 ? 1 : 0)}x`,
      `${mean(r.losses.slice(-50)).toFixed(4)}` +
        (gap === undefined ? "" : `, ${gap.maxRelDiff.toExponential(1)}`),
      r.runs.map(fmt).join(" "),
    ]);
  }
  printTable(rows, (j) => j >= 2 && j <= 8);
  if (points.length > 0) {
    const engines = Object.keys(points[0].medianMsPerStep) as Engine[];
    console.log(
      `\ncost sweep (n_head ${sweepShape.n_head}, n_layer ${sweepShape.n_layer}, ` +
        `block_size ${sweepShape.block_size}, ${sweepSteps} steps): median ms per step`,
    );
    printTable(
      [
        ["n_embd", "MFLOP/step", ...engines],
        ...points.map((p) => [
          String(p.n_embd),
          (p.flopsPerStep / 1e6).toFixed(2),
          ...engines.map((e) => fmt(p.medianMsPerStep[e] ?? NaN)),
        ]),
      ],
      () => true,
    );
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
    peerThreads: 1,
    results: results.map(({ losses, ...r }) => ({
      ...r,
      finalLoss: losses[losses.length - 1],
      meanLossLast50: mean(losses.slice(-50)),
    })),
    lossAgreement: agreement,
    sweep: {
      shape: { ...sweepShape, steps: sweepSteps },
      points,
    },
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
