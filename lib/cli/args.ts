// Command-line flags: parsing, checking, and the help text. Every config option has a flag.
import {
  InputError,
  defaultConfig,
  parseSeed,
  presets,
  type Config,
} from "../index";

/** A flag that sets one config field. */
interface ConfigFlag {
  flag: string;
  key: keyof Config;
  kind: "int" | "seed" | "number" | "bool" | "choice";
  choices?: readonly string[];
  /** Shown in the help text. */
  what: string;
  meta?: string;
}

const CONFIG_FLAGS: readonly ConfigFlag[] = [
  {
    flag: "steps",
    key: "num_steps",
    kind: "int",
    meta: "N",
    what: "training steps (one document each)",
  },
  {
    flag: "seed",
    key: "seed",
    kind: "seed",
    meta: "N",
    what: "random seed (shuffle, initial weights, samples)",
  },
  {
    flag: "n-embd",
    key: "n_embd",
    kind: "int",
    meta: "N",
    what: "embedding width",
  },
  {
    flag: "n-head",
    key: "n_head",
    kind: "int",
    meta: "N",
    what: "attention heads (must divide --n-embd)",
  },
  {
    flag: "n-layer",
    key: "n_layer",
    kind: "int",
    meta: "N",
    what: "transformer layers",
  },
  {
    flag: "block-size",
    key: "block_size",
    kind: "int",
    meta: "N",
    what: "longest context, in tokens",
  },
  {
    flag: "lr",
    key: "learning_rate",
    kind: "number",
    meta: "X",
    what: "initial learning rate (decays linearly to 0)",
  },
  {
    flag: "beta1",
    key: "beta1",
    kind: "number",
    meta: "X",
    what: "Adam: decay of the gradient average",
  },
  {
    flag: "beta2",
    key: "beta2",
    kind: "number",
    meta: "X",
    what: "Adam: decay of the squared-gradient average",
  },
  {
    flag: "eps-adam",
    key: "eps_adam",
    kind: "number",
    meta: "X",
    what: "Adam: epsilon",
  },
  {
    flag: "init-std",
    key: "init_std",
    kind: "number",
    meta: "X",
    what: "standard deviation of the initial weights",
  },
  {
    flag: "temperature",
    key: "temperature",
    kind: "number",
    meta: "X",
    what: "sampling temperature (> 0)",
  },
  {
    flag: "samples",
    key: "num_samples",
    kind: "int",
    meta: "N",
    what: "samples to draw after training",
  },
  {
    flag: "special-tokens",
    key: "special_tokens",
    kind: "choice",
    choices: ["bos", "bos-eos"],
    meta: "K",
    what: "bos: one BOS token; bos-eos: BOS=0, EOS=1",
  },
  {
    flag: "crop-to-block",
    key: "crop_to_block",
    kind: "bool",
    what: "crop each document to its first block-size tokens",
  },
  {
    flag: "zero-init-out",
    key: "zero_init_out",
    kind: "bool",
    what: "start attn_wo and mlp_fc2 at zero",
  },
  {
    flag: "tie-weights",
    key: "tie_weights",
    kind: "bool",
    what: "no lm_head: logits reuse the token table wte",
  },
  {
    flag: "embed-norm",
    key: "embed_norm",
    kind: "bool",
    what: "rmsnorm right after the embeddings",
  },
  {
    flag: "activation",
    key: "activation",
    kind: "choice",
    choices: ["relu", "relu2"],
    meta: "A",
    what: "MLP activation: relu, or relu2 = relu(x)^2",
  },
  {
    flag: "backward",
    key: "backward_mode",
    kind: "choice",
    choices: ["mean", "per-position"],
    meta: "MODE",
    what: "mean: one backward pass; per-position: one per position",
  },
];

/** The flag that sets a config field (for error messages). */
function flagFor(key: string): string | undefined {
  const f = CONFIG_FLAGS.find((c) => c.key === key);
  return f ? `--${f.flag}` : undefined;
}

interface TrainArgs {
  command: "train";
  data?: string;
  preset: "final" | "original";
  /** value: the book's Value graph (chapters 5-6); fast: flat arrays, hand-derived backward (chapter 8). */
  engine: "value" | "fast";
  overrides: Partial<Config>;
  save?: string;
  /** A checkpoint whose run to continue. */
  resume?: string;
  /** Stop after this step (the schedule still runs to num_steps). */
  stopAfter?: number;
  jsonl: boolean;
}

interface SampleArgs {
  command: "sample";
  load: string;
  samples?: number;
  temperature?: number;
  seed?: number | bigint;
  jsonl: boolean;
}

type Args =
  | TrainArgs
  | SampleArgs
  | { command: "help"; topic: "main" | "train" | "sample" };

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseNumber(flag: string, raw: string, integer: boolean): number {
  const v = NUMBER.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isFinite(v))
    throw new InputError(
      `--${flag} needs a number, got ${JSON.stringify(raw)}`,
    );
  if (integer && !Number.isSafeInteger(v))
    throw new InputError(
      `--${flag} needs a whole number, got ${JSON.stringify(raw)}`,
    );
  return v;
}

/** Any whole number, as Python's random.seed takes (a bigint beyond 2^53). */
function parseSeedFlag(raw: string): number | bigint {
  try {
    return parseSeed(raw);
  } catch {
    throw new InputError(
      `--seed needs a whole number, got ${JSON.stringify(raw)}`,
    );
  }
}

function parseBool(flag: string, raw: string): boolean {
  if (raw === "true" || raw === "1" || raw === "yes") return true;
  if (raw === "false" || raw === "0" || raw === "no") return false;
  throw new InputError(
    `--${flag} takes no value, or true/false; got ${JSON.stringify(raw)}`,
  );
}

/** Splits argv into flag name/value pairs; `--x=v`, `--x v` and bare booleans. */
function* tokens(
  argv: readonly string[],
  takesValue: (name: string) => boolean,
): Generator<[string, string | undefined]> {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--") || a === "--")
      throw new InputError(
        `unexpected argument ${JSON.stringify(a)} (see --help)`,
      );
    const eq = a.indexOf("=");
    const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
    if (eq >= 0) {
      yield [name, a.slice(eq + 1)];
    } else if (takesValue(name)) {
      if (i + 1 >= argv.length) throw new InputError(`--${name} needs a value`);
      yield [name, argv[++i]];
    } else {
      yield [name, undefined];
    }
  }
}

function parseTrain(
  argv: readonly string[],
): TrainArgs | { command: "help"; topic: "train" } {
  const out: TrainArgs = {
    command: "train",
    preset: "final",
    engine: "value",
    overrides: {},
    jsonl: false,
  };
  const byFlag = new Map(CONFIG_FLAGS.map((f) => [f.flag, f]));
  const valued = new Set([
    "data",
    "preset",
    "engine",
    "save",
    "resume",
    "stop-after",
  ]);
  const takesValue = (name: string): boolean =>
    valued.has(name) || (byFlag.has(name) && byFlag.get(name)?.kind !== "bool");
  const overrides: Record<string, unknown> = {};
  for (const [name, value] of tokens(argv, takesValue)) {
    if (name === "help") return { command: "help", topic: "train" };
    if (name === "jsonl") {
      out.jsonl = value === undefined ? true : parseBool(name, value);
      continue;
    }
    if (name === "stop-after") {
      out.stopAfter = parseNumber(name, value ?? "", true);
      if (out.stopAfter < 1)
        throw new InputError(
          `--stop-after must be at least 1, got ${out.stopAfter}`,
        );
      continue;
    }
    if (name === "data" || name === "save" || name === "resume") {
      if (!value) throw new InputError(`--${name} needs a file name`);
      out[name] = value;
      continue;
    }
    if (name === "preset") {
      if (value !== "final" && value !== "original")
        throw new InputError(
          `--preset must be final or original, got ${JSON.stringify(value)}`,
        );
      out.preset = value;
      continue;
    }
    if (name === "engine") {
      if (value !== "value" && value !== "fast")
        throw new InputError(
          `--engine must be value or fast, got ${JSON.stringify(value)}`,
        );
      out.engine = value;
      continue;
    }
    const negated = name.startsWith("no-")
      ? byFlag.get(name.slice(3))
      : undefined;
    if (negated && negated.kind === "bool") {
      if (value !== undefined) throw new InputError(`--${name} takes no value`);
      overrides[negated.key] = false;
      continue;
    }
    const f = byFlag.get(name);
    if (!f)
      throw new InputError(
        `unknown flag --${name} (see microgpt train --help)`,
      );
    const raw = value ?? "";
    switch (f.kind) {
      case "int":
        overrides[f.key] = parseNumber(name, raw, true);
        break;
      case "seed":
        overrides[f.key] = parseSeedFlag(raw);
        break;
      case "number":
        overrides[f.key] = parseNumber(name, raw, false);
        break;
      case "bool":
        overrides[f.key] = value === undefined ? true : parseBool(name, value);
        break;
      case "choice":
        if (!f.choices?.includes(raw))
          throw new InputError(
            `--${name} must be one of ${f.choices?.join(", ")}; got ${JSON.stringify(raw)}`,
          );
        overrides[f.key] = raw;
        break;
    }
  }
  out.overrides = overrides as Partial<Config>;
  return out;
}

function parseSample(
  argv: readonly string[],
): SampleArgs | { command: "help"; topic: "sample" } {
  let load: string | undefined;
  const out: Omit<SampleArgs, "load"> = { command: "sample", jsonl: false };
  const valued = new Set(["load", "samples", "temperature", "seed"]);
  for (const [name, value] of tokens(argv, (n) => valued.has(n))) {
    switch (name) {
      case "help":
        return { command: "help", topic: "sample" };
      case "jsonl":
        out.jsonl = value === undefined ? true : parseBool(name, value);
        break;
      case "load":
        if (!value) throw new InputError("--load needs a file name");
        load = value;
        break;
      case "samples":
        out.samples = parseNumber(name, value ?? "", true);
        if (out.samples < 0)
          throw new InputError(
            `--samples must be at least 0, got ${out.samples}`,
          );
        break;
      case "temperature":
        out.temperature = parseNumber(name, value ?? "", false);
        if (!(out.temperature > 0))
          throw new InputError(
            `--temperature must be greater than 0, got ${out.temperature}`,
          );
        break;
      case "seed":
        out.seed = parseSeedFlag(value ?? "");
        break;
      default:
        throw new InputError(
          `unknown flag --${name} (see microgpt sample --help)`,
        );
    }
  }
  if (load === undefined)
    throw new InputError(
      "sample needs --load FILE (a checkpoint written by train --save)",
    );
  return { ...out, load };
}

/** Reads the command line (without `node` and the script). */
function parseArgs(argv: readonly string[]): Args {
  const [command, ...rest] = argv;
  if (
    command === undefined ||
    command === "--help" ||
    command === "-h" ||
    command === "help"
  ) {
    return {
      command: "help",
      topic:
        rest[0] === "train"
          ? "train"
          : rest[0] === "sample"
            ? "sample"
            : "main",
    };
  }
  if (command === "train") return parseTrain(rest);
  if (command === "sample") return parseSample(rest);
  throw new InputError(
    `unknown command ${JSON.stringify(command)}: use train or sample (see microgpt --help)`,
  );
}

function showDefault(key: keyof Config): string {
  const fin = defaultConfig[key];
  const orig = presets.original[key];
  const fmt = (v: unknown): string =>
    typeof v === "boolean" ? (v ? "on" : "off") : String(v);
  return orig === undefined || orig === fin
    ? `[${fmt(fin)}]`
    : `[${fmt(fin)}; original: ${fmt(orig)}]`;
}

const MAIN_HELP = `microgpt: a tiny GPT, trained and sampled from the command line

usage:
  microgpt train [options]               train a model on documents, print losses and samples
  microgpt sample --load FILE [options]  draw samples from a checkpoint written by train --save
  microgpt --help | train --help | sample --help
`;

function trainHelp(): string {
  const rows: [string, string][] = [
    [
      "--data FILE",
      "documents, one per line (UTF-8) [the built-in corpus of 8,403 names]",
    ],
    [
      "--preset NAME",
      "final | original: start from that version's settings; other flags override [final]",
    ],
  ];
  for (const f of CONFIG_FLAGS) {
    const left =
      f.kind === "bool"
        ? `--${f.flag}, --no-${f.flag}`
        : `--${f.flag} ${f.meta ?? ""}`;
    rows.push([left, `${f.what} ${showDefault(f.key)}`]);
  }
  rows.push([
    "--engine NAME",
    "value: the book's Value graph; fast: flat arrays, same numbers (no per-position backward) [value]",
  ]);
  rows.push([
    "--save FILE",
    "write a checkpoint after training, or when stopped [none]",
  ]);
  rows.push([
    "--stop-after K",
    "stop after step K (needs --save; the schedule still runs to --steps) [off]",
  ]);
  rows.push([
    "--resume FILE",
    "continue the run saved in FILE to its last step (its own settings; --data if not where it was) [none]",
  ]);
  rows.push(["--jsonl", "one JSON object per line instead of text [off]"]);
  rows.push(["--help", "this help"]);
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  return `usage: microgpt train [options]

Trains a GPT on the documents, then draws samples. Defaults are Karpathy's final microGPT;
--preset original switches to his first published version (11 Feb 2026).

options [default; original preset where it differs]:
${rows.map(([l, r]) => `  ${l.padEnd(width)}${r}`).join("\n")}

--jsonl prints {"docs","vocab_size","params"}, then {"step","loss"} per step, then
{"sample","text"} per sample, then {"train_seconds"}.

Ctrl-C stops training after the current step; with --save the run is saved first (then
the exit status is 130), and \`microgpt train --resume FILE\` continues it: the losses and
samples are those of the run never stopped.
`;
}

const SAMPLE_HELP = `usage: microgpt sample --load FILE [options]

Draws samples from a checkpoint written by \`microgpt train --save FILE\`.

options:
  --load FILE        the checkpoint (required)
  --samples N        how many samples [the checkpoint's setting]
  --temperature X    sampling temperature, > 0 [the checkpoint's setting]
  --seed N           seed a fresh generator with N [continue the training run's random
                     stream, so the samples equal those printed after training]
  --jsonl            one JSON object per line: {"sample","text"} [off]
  --help             this help
`;

function helpText(topic: "main" | "train" | "sample"): string {
  if (topic === "train") return trainHelp();
  if (topic === "sample") return SAMPLE_HELP;
  return `${MAIN_HELP}\n${trainHelp()}\n${SAMPLE_HELP}`;
}

export { parseArgs, helpText, flagFor, CONFIG_FLAGS };
export type { Args, TrainArgs, SampleArgs };
