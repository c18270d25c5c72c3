// The `microgpt` command: train (and optionally save) a model, or sample from a saved one.
import * as fs from "fs";
import * as path from "path";
import * as tty from "tty";
import * as v8 from "v8";
import { Worker, isMainThread, parentPort, workerData } from "worker_threads";
import {
  InputError,
  TrainingDiverged,
  checkSaveTarget,
  checkpointOf,
  checkpointTempName,
  createEngine,
  createRandom,
  defaultCorpus,
  evaluate,
  fingerprintDocs,
  loadCheckpoint,
  loadDocs,
  makeConfig,
  modelFromCheckpoint,
  printable,
  prepareRun,
  resumeTraining,
  sampleOne,
  saveCheckpoint,
  saveTarget,
  startTraining,
  trainFrom,
  validateConfig,
  valueEngine,
  type Config,
  type DocsInfo,
  type Engine,
  type Model,
  type Training,
} from "../index";
import {
  flagFor,
  flagsOf,
  helpText,
  namingFlags,
  parseArgs,
  type SampleArgs,
  type TrainArgs,
} from "./args";
import { createProgress } from "./progress";

/** Where output goes; tests pass their own. */
interface Io {
  out(text: string): void;
  err(text: string): void;
  /** True when `out` is an interactive terminal (then a progress bar is drawn). */
  isTTY: boolean;
  /** True once the user asked to stop (Ctrl-C): training ends after the current step. */
  stopRequested?(): boolean;
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
  return `sample ${pad(i, 2)}: ${printable(text)}`;
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

/** The documents of a run: --data, else the file the run was saved with, else the built-in names. */
function readDocs(file: string | undefined): string[] {
  return file === undefined ? defaultCorpus() : loadDocs(file);
}

/** A fresh run from the flags, or the saved one of --resume. */
function startFromArgs(args: TrainArgs): { t: Training; docs: DocsInfo } {
  const makeEngine = (model: Model): Engine => createEngine(args.engine, model);
  if (args.resume !== undefined) {
    const given = (Object.keys(args.overrides) as (keyof Config)[]).map(
      flagFor,
    );
    if (args.preset !== "final") given.unshift("--preset");
    if (given.length > 0)
      throw new InputError(
        `--resume continues the saved run with its own settings; ${given.join(", ")} cannot change them`,
      );
    const ck = loadCheckpoint(args.resume);
    const source = args.data ?? ck.docs?.source ?? undefined;
    const docs = readDocs(source);
    return {
      t: resumeTraining(ck, docs, makeEngine),
      docs: fingerprintDocs(docs, source ?? null),
    };
  }
  const config = namingFlags(() => makeConfig(args.overrides, args.preset));
  const docs = readDocs(args.data);
  // the model's size is checked again with the vocabulary of the data
  const run = namingFlags(() => prepareRun(docs, config));
  return {
    // refuses what the engine cannot run
    t: startTraining(run, makeEngine(run.model)),
    docs: fingerprintDocs(
      docs,
      args.data === undefined ? null : path.resolve(args.data),
    ),
  };
}

/** Exit status of a run stopped by Ctrl-C, as shells report it. */
const INTERRUPTED = 130;

function runTrain(args: TrainArgs, io: Io): number {
  if (args.stop_after !== undefined && args.save === undefined)
    throw new InputError(
      "--stop-after needs --save FILE: the stopped run would be lost",
    );
  const { t, docs } = startFromArgs(args);
  // before training: a run that cannot be saved is better not started
  if (args.save !== undefined) checkSaveTarget(args.save, docs.source);
  const { run } = t;
  const { config, model, tok } = run;
  const stopAfter = args.stop_after ?? config.num_steps;
  if (
    args.stop_after !== undefined &&
    (!Number.isInteger(stopAfter) ||
      stopAfter <= t.step ||
      stopAfter > config.num_steps)
  )
    throw new InputError(
      `--stop-after must be a step from ${t.step + 1} to ${config.num_steps}, got ${stopAfter}`,
    );
  const held = run.valDocs.length;
  if (args.jsonl) {
    io.out(
      JSON.stringify({
        docs: run.docs.length,
        ...(held > 0 && { val_docs: held }),
        vocab_size: tok.vocabSize,
        params: model.params.length,
      }) + "\n",
    );
  } else {
    const heldLine = held > 0 ? `held-out docs: ${held}\n` : "";
    io.out(
      `num docs: ${run.docs.length}\n${heldLine}vocab size: ${tok.vocabSize}\nnum params: ${model.params.length}\n`,
    );
  }
  // The held-out loss every eval_every steps, at the last step and where the
  // run stops early.
  const every = config.eval_every;
  const valLossAt = (step: number): number | undefined =>
    every > 0 &&
    (step % every === 0 || step === config.num_steps || step === stopAfter)
      ? evaluate(t.engine, tok, run.valDocs)
      : undefined;
  const progress =
    !args.jsonl && io.isTTY
      ? createProgress(config.num_steps, io.out)
      : undefined;
  const started = performance.now();
  const lines = batchedWriter(io.out);
  const interrupted = (): boolean => io.stopRequested?.() === true;
  let failure: unknown;
  try {
    trainFrom(t, (step, loss) => {
      const val = valLossAt(step);
      if (args.jsonl) {
        lines.write(JSON.stringify({ step, loss }) + "\n");
        if (val !== undefined)
          lines.write(JSON.stringify({ step, val_loss: val }) + "\n");
      } else {
        const line =
          stepLine(step, config.num_steps, loss) +
          (val === undefined ? "" : ` | val loss ${val.toFixed(4)}`);
        if (progress) progress.update(step, line);
        else lines.write(line + "\n");
      }
      return step < stopAfter && !interrupted();
    });
  } catch (e) {
    failure = e;
  }
  try {
    lines.flush(); // the steps before a divergence are still printed
  } catch (e) {
    failure ??= e;
  }
  if (failure instanceof OutputError && args.save !== undefined) {
    // the output is gone, the run need not be: saved as Ctrl-C saves it
    saveCheckpoint(args.save, checkpointOf(t, docs));
    failure.message +=
      `; saved after step ${t.step} to ${args.save} ` +
      `(continue with: microgpt train --resume ${args.save})`;
  }
  if (failure !== undefined) throw failure;
  const seconds = (performance.now() - started) / 1000;
  if (progress) progress.done();
  if (args.save !== undefined) saveCheckpoint(args.save, checkpointOf(t, docs));
  if (t.step < config.num_steps) {
    const saved =
      args.save === undefined
        ? ""
        : `; saved to ${args.save} (continue with: microgpt train --resume ${args.save})`;
    const why = interrupted() ? "interrupted" : "stopped";
    io.err(
      `microgpt: ${why} after step ${t.step} of ${config.num_steps}${saved}\n`,
    );
    return interrupted() ? INTERRUPTED : 0;
  }
  if (!args.jsonl) io.out("\n--- inference (new, hallucinated names) ---\n");
  for (let i = 1; i <= config.num_samples; i++) {
    if (interrupted()) {
      io.err("microgpt: interrupted while sampling\n");
      return INTERRUPTED;
    }
    const text = sampleOne(t.engine, tok, run.rng, config.temperature);
    io.out(
      args.jsonl
        ? printable(JSON.stringify({ sample: i, text })) + "\n"
        : sampleLine(i, text) + "\n",
    );
  }
  if (args.jsonl) io.out(JSON.stringify({ train_seconds: seconds }) + "\n");
  return 0;
}

function runSample(args: SampleArgs, io: Io): void {
  const ck = loadCheckpoint(args.load);
  const { model, tok } = modelFromCheckpoint(ck);
  const config = namingFlags(() =>
    validateConfig({ ...model.config, ...args.overrides }),
  );
  const rng = createRandom(args.overrides.seed ?? 0);
  if (args.overrides.seed === undefined) rng.setState(ck.rng); // where training left it
  const count = config.num_samples;
  const temperature = config.temperature;
  const engine = valueEngine(model);
  for (let i = 1; i <= count; i++) {
    const text = sampleOne(engine, tok, rng, temperature);
    io.out(
      args.jsonl
        ? printable(JSON.stringify({ sample: i, text })) + "\n"
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
    else if (args.command === "train") return runTrain(args, io);
    else runSample(args, io);
    return 0;
  } catch (e) {
    const report = (text: string): void => {
      try {
        io.err(`microgpt: ${printable(text)}\n`);
      } catch {
        // stderr failed too: the exit status is all that is left
      }
    };
    if (e instanceof OutputError) {
      report(e.message);
      return 1;
    }
    if (e instanceof InputError) {
      report(e.message);
      return 2;
    }
    if (e instanceof TrainingDiverged) {
      const flags = e.fields.length > 0 ? ` ${flagsOf(e.fields)}` : "";
      report(`${e.message}${flags}`);
      return 1;
    }
    const message = e instanceof Error ? e.message : String(e);
    report(`internal error: ${message}`);
    if (process.env.MICROGPT_DEBUG && e instanceof Error)
      io.err(`${e.stack ?? ""}\n`); // raw, for a developer
    return 1;
  }
}

/** What the entry point hands to the worker that runs the command. */
interface WorkerInput {
  microgptArgv: string[];
  /** [0] becomes 1 at the first Ctrl-C. */
  stop: Int32Array;
  isTTY: boolean;
}

/**
 * A write to stdout or stderr failed: the reader closed the pipe
 * (`microgpt train | head`), the disk is full (`> /dev/full`), or the
 * descriptor is not open.
 */
class OutputError extends Error {
  constructor(fd: number, code: string | undefined) {
    const stream = fd === 1 ? "stdout" : fd === 2 ? "stderr" : `fd ${fd}`;
    const why =
      code === "EPIPE"
        ? "it was closed by its reader"
        : code === "ENOSPC"
          ? "no space left on the device"
          : code === "EBADF"
            ? "it is not open for writing"
            : "the system refused";
    super(`cannot write to ${stream}: ${why} (${code ?? "unknown error"})`);
  }
}

/**
 * Writes all of `text` to a file descriptor at once. A worker's process.stdout
 * would hold its text until the training loop yields, that is, until the end.
 */
function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  let done = 0;
  while (done < bytes.length) {
    try {
      done += fs.writeSync(fd, bytes, done);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "EAGAIN") throw new OutputError(fd, code);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1); // a full pipe: wait 1 ms
    }
  }
}

/**
 * Entry point of lib/bin/microgpt.js. The command runs in a worker thread: a
 * training loop never yields to the event loop, so the main thread keeps
 * listening for Ctrl-C. The first one asks the loop to stop after the
 * current step (and save, with --save); a second one ends the process.
 */
function main(argv: string[]): void {
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const input: WorkerInput = {
    microgptArgv: argv,
    stop,
    isTTY: tty.isatty(1),
  };
  // The worker's heap has the main thread's limit, set explicitly: running
  // out of it then ends the worker with an error event, not the process with
  // V8's native trace.
  const heapMb = Math.floor(v8.getHeapStatistics().heap_size_limit / 2 ** 20);
  const worker = new Worker(__filename, {
    workerData: input,
    resourceLimits: { maxOldGenerationSizeMb: heapMb },
  });
  // A worker ended in the middle of a save leaves its temporary file.
  const save = saveFlag(argv);
  const dropTemp = (): void => {
    if (save !== undefined)
      fs.rmSync(checkpointTempName(saveTarget(save)), { force: true });
  };
  const onSigint = (): void => {
    if (Atomics.exchange(stop, 0, 1) === 0) return;
    dropTemp();
    process.exit(INTERRUPTED);
  };
  process.on("SIGINT", onSigint);
  worker.on("message", (code: number) => (process.exitCode = code));
  worker.on("error", (e: NodeJS.ErrnoException) => {
    dropTemp();
    const line =
      e.code === "ERR_WORKER_OUT_OF_MEMORY"
        ? `out of memory (the JavaScript heap's limit is ${heapMb} MB): ` +
          "try a smaller model (--n-embd, --n-layer, --block-size) or " +
          "--engine fast"
        : `internal error: ${e.message}`;
    try {
      writeAll(2, `microgpt: ${printable(line)}\n`);
    } catch {
      // stderr is gone: the exit status says it
    }
    process.exitCode = 1;
  });
  worker.on("exit", () => process.off("SIGINT", onSigint));
}

/** The --save of a train command line, if any. */
function saveFlag(argv: readonly string[]): string | undefined {
  try {
    const args = parseArgs(argv);
    return args.command === "train" ? args.save : undefined;
  } catch {
    return undefined;
  }
}

function isWorkerInput(x: unknown): x is WorkerInput {
  return typeof x === "object" && x !== null && "microgptArgv" in x;
}

// In the worker that main() starts: run the command, report its exit status.
if (!isMainThread && isWorkerInput(workerData) && parentPort !== null) {
  const { microgptArgv, stop, isTTY } = workerData;
  const io: Io = {
    out: (text) => writeAll(1, text),
    err: (text) => writeAll(2, text),
    isTTY,
    stopRequested: () => Atomics.load(stop, 0) === 1,
  };
  parentPort.postMessage(run(microgptArgv, io));
}

export { main, run, stepLine, sampleLine, writeAll, OutputError };
export type { Io };
