// The `microgpt` command: train (and optionally save) a model, or sample from a saved one.
import {
  InputError,
  TrainingDiverged,
  defaultCorpus,
  loadDocs,
  makeConfig,
  prepareRun,
  createEngine,
  sampleOne,
  train,
  valueEngine,
  type Config,
} from "../index";
import {
  flagFor,
  helpText,
  parseArgs,
  type SampleArgs,
  type TrainArgs,
} from "./args";
import { loadCheckpoint, replayRandom, saveCheckpoint } from "./checkpoint";
import { createProgress } from "./progress";

/** Where output goes; tests pass their own. */
interface Io {
  out(text: string): void;
  err(text: string): void;
  /** True when `out` is an interactive terminal (then a progress bar is drawn). */
  isTTY: boolean;
}

const processIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  get isTTY() {
    return process.stdout.isTTY === true;
  },
};

/** Python's f"{n:4d}": right-aligned in at least 4 characters. */
function pad(n: number, width: number): string {
  return String(n).padStart(width);
}

function stepLine(step: number, numSteps: number, loss: number): string {
  return `step ${pad(step, 4)} / ${pad(numSteps, 4)} | loss ${loss.toFixed(4)}`;
}

function sampleLine(i: number, text: string): string {
  return `sample ${pad(i, 2)}: ${text}`;
}

/** Names the flag(s) in a configuration error, since the user typed flags, not field names. */
function withFlagName(e: InputError): InputError {
  const m = /invalid configuration: (.*)$/.exec(e.message);
  if (!m) return e;
  const flags: string[] = [];
  for (const word of m[1].match(/[a-z][a-z0-9_]*/g) ?? []) {
    const flag = flagFor(word);
    if (flag !== undefined && !flags.includes(flag)) flags.push(flag);
  }
  if (flags.length === 0) return e;
  return new InputError(
    `${e.message} (${flags.length === 1 ? "flag" : "flags"} ${flags.join(", ")})`,
  );
}

/**
 * Collects output and hands it on at most every `intervalMs`: one write per training step would
 * cost the fast engine a good part of its step time. `flush` writes whatever is left.
 */
function batchedWriter(
  out: (text: string) => void,
  intervalMs = 100,
): { write(text: string): void; flush(): void } {
  let pending = "";
  let last = performance.now();
  const flush = (): void => {
    if (pending !== "") out(pending);
    pending = "";
    last = performance.now();
  };
  return {
    write(text) {
      pending += text;
      if (performance.now() - last >= intervalMs) flush();
    },
    flush,
  };
}

function runTrain(args: TrainArgs, io: Io): void {
  let config: Config;
  try {
    config = makeConfig(args.overrides, args.preset);
  } catch (e) {
    throw e instanceof InputError ? withFlagName(e) : e;
  }
  const docs = args.data === undefined ? defaultCorpus() : loadDocs(args.data);
  const run = prepareRun(docs, config);
  const { model, tok } = run;
  const engine = createEngine(args.engine, model); // refuses what it cannot run
  if (args.jsonl) {
    io.out(
      JSON.stringify({
        docs: run.docs.length,
        vocab_size: tok.vocabSize,
        params: model.params.length,
      }) + "\n",
    );
  } else {
    io.out(
      `num docs: ${run.docs.length}\nvocab size: ${tok.vocabSize}\nnum params: ${model.params.length}\n`,
    );
  }
  const progress =
    !args.jsonl && io.isTTY
      ? createProgress(config.num_steps, io.out)
      : undefined;
  const started = performance.now();
  const lines = batchedWriter(io.out);
  try {
    train(
      run,
      (step, loss) => {
        if (args.jsonl) lines.write(JSON.stringify({ step, loss }) + "\n");
        else if (progress)
          progress.update(step, stepLine(step, config.num_steps, loss));
        else lines.write(stepLine(step, config.num_steps, loss) + "\n");
      },
      engine,
    );
  } finally {
    lines.flush(); // the steps before a divergence are still printed
  }
  const seconds = (performance.now() - started) / 1000;
  if (progress) progress.done();
  if (args.save !== undefined)
    saveCheckpoint(args.save, model, tok, run.docs.length);
  if (!args.jsonl) io.out("\n--- inference (new, hallucinated names) ---\n");
  for (let i = 1; i <= config.num_samples; i++) {
    const text = sampleOne(engine, tok, run.rng, config.temperature);
    io.out(
      args.jsonl
        ? JSON.stringify({ sample: i, text }) + "\n"
        : sampleLine(i, text) + "\n",
    );
  }
  if (args.jsonl) io.out(JSON.stringify({ train_seconds: seconds }) + "\n");
}

function runSample(args: SampleArgs, io: Io): void {
  const { model, tok, docs } = loadCheckpoint(args.load);
  const { config } = model;
  const rng =
    args.seed === undefined
      ? replayRandom(config, docs, model.params.length)
      : replayRandom({ ...config, seed: args.seed }, 0, 0);
  const count = args.samples ?? config.num_samples;
  const temperature = args.temperature ?? config.temperature;
  const engine = valueEngine(model);
  for (let i = 1; i <= count; i++) {
    const text = sampleOne(engine, tok, rng, temperature);
    io.out(
      args.jsonl
        ? JSON.stringify({ sample: i, text }) + "\n"
        : sampleLine(i, text) + "\n",
    );
  }
}

/**
 * Runs the command line; returns the exit code (0 fine, 1 training failed or internal error,
 * 2 bad input). Problems are reported as one line on stderr, never a stack trace.
 */
function run(argv: readonly string[], io: Io = processIo): number {
  try {
    const args = parseArgs(argv);
    if (args.command === "help") io.out(helpText(args.topic));
    else if (args.command === "train") runTrain(args, io);
    else runSample(args, io);
    return 0;
  } catch (e) {
    if (e instanceof InputError) {
      io.err(`microgpt: ${e.message}\n`);
      return 2;
    }
    if (e instanceof TrainingDiverged) {
      io.err(`microgpt: ${e.message}\n`);
      return 1;
    }
    const message = e instanceof Error ? e.message : String(e);
    io.err(`microgpt: internal error: ${message}\n`);
    if (process.env.MICROGPT_DEBUG && e instanceof Error)
      io.err(`${e.stack ?? ""}\n`);
    return 1;
  }
}

/** Entry point of lib/bin/microgpt.js. */
function main(argv: string[]): void {
  // A closed pipe (`microgpt train | head`) is not an error worth a stack trace.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
  process.exitCode = run(argv);
}

export { main, run, stepLine, sampleLine };
export type { Io };
