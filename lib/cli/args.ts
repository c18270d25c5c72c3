// Command-line flags, derived from the configuration: every Config field is a
// flag named after it (n_embd -> --n-embd), typed by its default, explained by
// one entry of FIELD_HELP. The other flags are one entry of a command's table.
import { parseArgs as splitArgv } from "node:util";
import {
  ConfigError,
  InputError,
  MAX_DATA_BYTES,
  MAX_MODEL_BYTES,
  MAX_PARAMETERS,
  MAX_VOCAB_CHARS,
  MIN_TEMPERATURE,
  configChoices,
  defaultConfig,
  parseSeed,
  presetNames,
  presets,
  validateConfig,
  type ChoiceField,
  type Config,
} from "../index";

/** The sections of --help, in order. */
const GROUPS = {
  run: "general",
  model: "model",
  training: "training",
  sampling: "sampling",
  files: "files and output",
} as const;
type Group = keyof typeof GROUPS;

/** How a Config field appears on the command line. */
interface FieldHelp {
  group: "model" | "training" | "sampling";
  what: string;
  /** A shorter flag than the field's own name, which is still accepted. */
  flag?: string;
  /** Placeholder of the value [N for a whole-number default, else X]. */
  meta?: string;
}

/**
 * One entry per Config field (a missing one does not compile), in the order
 * of --help. A new field needs its default, its rule in validateConfig, and
 * a line here.
 */
const FIELD_HELP: Record<keyof Config, FieldHelp> = {
  n_embd: { group: "model", what: "embedding width" },
  n_head: { group: "model", what: "attention heads (must divide --n-embd)" },
  n_layer: { group: "model", what: "transformer layers" },
  block_size: { group: "model", what: "longest context, in tokens" },
  special_tokens: {
    group: "model",
    what: "bos: one BOS token; bos-eos: BOS=0, EOS=1",
  },
  embed_norm: { group: "model", what: "rmsnorm right after the embeddings" },
  residual: {
    group: "model",
    what: "add each block's output to its input (off: an ablation)",
  },
  norm: {
    group: "model",
    what: "rmsnorm at the entrance of each block (off: an ablation)",
  },
  activation: {
    group: "model",
    what: "MLP activation: relu, or relu2 = relu(x)^2",
  },
  tie_weights: {
    group: "model",
    what: "no lm_head: logits reuse the token table wte",
  },
  seed: {
    group: "training",
    what: "random seed (shuffle, initial weights, samples)",
  },
  num_steps: {
    group: "training",
    flag: "steps",
    what:
      "training steps (one document each; beyond the number of documents " +
      "they wrap around: more epochs)",
  },
  val_docs: {
    group: "training",
    what: "hold out the last N shuffled documents: never trained on",
  },
  eval_every: {
    group: "training",
    meta: "K",
    what: "report the loss on the held-out documents every K steps and at the end (needs --val-docs)",
  },
  learning_rate: {
    group: "training",
    flag: "lr",
    what: "initial learning rate (decays linearly to 0)",
  },
  warmup_steps: {
    group: "training",
    meta: "K",
    what: "ramp the learning rate up linearly over the first K steps",
  },
  weight_decay: {
    group: "training",
    meta: "X",
    what: "decoupled weight decay (AdamW): each step also subtracts lr * X * w",
  },
  beta1: { group: "training", what: "Adam: decay of the gradient average" },
  beta2: {
    group: "training",
    what: "Adam: decay of the squared-gradient average",
  },
  eps_adam: { group: "training", what: "Adam: epsilon" },
  init_std: {
    group: "training",
    what: "standard deviation of the initial weights",
  },
  zero_init_out: {
    group: "training",
    what: "start attn_wo and mlp_fc2 at zero",
  },
  crop_to_block: {
    group: "training",
    what: "crop each document to its first block-size tokens",
  },
  backward_mode: {
    group: "training",
    flag: "backward",
    what: "mean: one backward pass; per-position: one per position",
  },
  temperature: {
    group: "sampling",
    what: `sampling temperature (at least ${MIN_TEMPERATURE})`,
  },
  num_samples: {
    group: "sampling",
    flag: "samples",
    what: "samples to draw",
  },
};

/** A flag that is not a Config field: one entry of a command's table. */
interface OptionSpec {
  type: "string" | "number" | "boolean";
  group: Group;
  what: string;
  /** Placeholder of the value in --help. */
  meta?: string;
  choices?: readonly string[];
  default?: string | number | boolean;
}

/** The parsed value of an option, typed by its entry. */
type OptionValue<S> = S extends { choices: readonly (infer C)[] }
  ? C
  : S extends { type: "boolean" }
    ? boolean
    : S extends { type: "number" }
      ? number
      : string;
type OptionValues<T> = {
  [K in keyof T]: T[K] extends { default: unknown }
    ? OptionValue<T[K]>
    : OptionValue<T[K]> | undefined;
};

const engines = ["value", "fast"] as const;

const TRAIN_OPTIONS = {
  preset: {
    type: "string",
    group: "run",
    choices: presetNames,
    default: "final",
    what: "start from that version's settings; other flags override",
  },
  engine: {
    type: "string",
    group: "run",
    choices: engines,
    default: "value",
    what:
      "value: the book's Value graph; fast: flat arrays and WebAssembly " +
      "SIMD, same numbers (no per-position backward)",
  },
  data: {
    type: "string",
    group: "files",
    meta: "FILE",
    what: "documents, one per line (UTF-8) [the built-in corpus of 8,403 names]",
  },
  save: {
    type: "string",
    group: "files",
    meta: "FILE",
    what: "write a checkpoint after training, or when stopped [none]",
  },
  stop_after: {
    type: "number",
    group: "training",
    meta: "K",
    what: "stop after step K (needs --save; the schedule still runs to --steps) [off]",
  },
  resume: {
    type: "string",
    group: "files",
    meta: "FILE",
    what:
      "continue the run saved in FILE to its last step (its own settings; " +
      "--data if not where it was) [none]",
  },
  jsonl: {
    type: "boolean",
    group: "files",
    default: false,
    what: "one JSON object per line instead of text",
  },
} as const satisfies Record<string, OptionSpec>;

const SAMPLE_OPTIONS = {
  load: {
    type: "string",
    group: "files",
    meta: "FILE",
    what: "the checkpoint (required)",
  },
  jsonl: {
    type: "boolean",
    group: "files",
    default: false,
    what: 'one JSON object per line: {"sample","text"}',
  },
} as const satisfies Record<string, OptionSpec>;

/** The fields `sample` takes: the sampling ones, and the seed. */
const SAMPLE_FIELDS = (Object.keys(FIELD_HELP) as (keyof Config)[]).filter(
  (f) => FIELD_HELP[f].group === "sampling" || f === "seed",
);

type TrainArgs = {
  command: "train";
  overrides: Partial<Config>;
} & OptionValues<typeof TRAIN_OPTIONS>;

type SampleArgs = {
  command: "sample";
  /** num_samples, temperature and seed given on the command line. */
  overrides: Partial<Config>;
  load: string;
} & Omit<OptionValues<typeof SAMPLE_OPTIONS>, "load">;

type Topic = "main" | "train" | "sample";
type Args = TrainArgs | SampleArgs | { command: "help"; topic: Topic };

/** What one flag sets, and how it reads its value. */
interface Flag {
  /** Without "--"; the first is the one --help shows and errors name. */
  names: readonly string[];
  type: OptionSpec["type"];
  choices?: readonly string[];
  meta: string;
  what: string;
  group: Group;
  /** "[1000]" in --help: the default, and the original preset's if different. */
  shown: string;
  target: { field: keyof Config } | { option: string };
}

const kebab = (name: string): string => name.replace(/_/g, "-");

/** The flag of a Config field, named and typed from the field and its default. */
function fieldFlag(field: keyof Config): Flag {
  const help = FIELD_HELP[field];
  const value = defaultConfig[field];
  const names = [help.flag ?? kebab(field)];
  if (help.flag !== undefined) names.push(kebab(field));
  const type =
    typeof value === "number"
      ? "number"
      : typeof value === "boolean"
        ? "boolean"
        : "string";
  const choices =
    type === "string" ? configChoices[field as ChoiceField] : undefined;
  return {
    names,
    type,
    choices,
    meta: help.meta ?? (Number.isInteger(value) ? "N" : "X"),
    what: help.what,
    group: help.group,
    shown: shownDefault(field),
    target: { field },
  };
}

const fmt = (v: unknown): string =>
  typeof v === "boolean" ? (v ? "on" : "off") : String(v);

function shownDefault(field: keyof Config): string {
  const final = defaultConfig[field];
  const original = presets.original[field];
  return original === undefined || original === final
    ? `[${fmt(final)}]`
    : `[${fmt(final)}; original: ${fmt(original)}]`;
}

function optionFlag(name: string, spec: OptionSpec): Flag {
  return {
    names: [kebab(name)],
    type: spec.type,
    choices: spec.choices,
    meta: spec.meta ?? "X",
    what: spec.what,
    group: spec.group,
    shown: spec.default === undefined ? "" : `[${fmt(spec.default)}]`,
    target: { option: name },
  };
}

const HELP_FLAG: Flag = {
  names: ["help", "h"],
  type: "boolean",
  meta: "",
  what: "this help",
  group: "run",
  shown: "",
  target: { option: "help" },
};

/** The flags of a command: its fields, then its own options, then --help. */
function commandFlags(
  fields: readonly Flag[],
  options: Readonly<Record<string, OptionSpec>>,
): Flag[] {
  return [
    ...fields,
    ...Object.entries(options).map(([name, spec]) => optionFlag(name, spec)),
    HELP_FLAG,
  ];
}

const TRAIN_FLAGS = commandFlags(
  (Object.keys(FIELD_HELP) as (keyof Config)[]).map(fieldFlag),
  TRAIN_OPTIONS,
);
// sample's defaults come from the checkpoint, and its seed starts a new stream.
const SAMPLE_FLAGS = commandFlags(
  SAMPLE_FIELDS.map((f) => ({
    ...fieldFlag(f),
    group: "sampling" as const,
    shown: "[the checkpoint's setting]",
    ...(f === "seed" && {
      what: "seed a fresh random stream for the samples",
      shown: "[continue the training run's stream]",
    }),
  })),
  SAMPLE_OPTIONS,
);

/** The flag that sets a config field, e.g. "--steps" for num_steps. */
function flagFor(field: keyof Config): string {
  return `--${fieldFlag(field).names[0]}`;
}

/**
 * Runs `make`; a ConfigError it throws comes back naming the flags of its
 * fields, since the user typed flags, not field names.
 */
function namingFlags<T>(make: () => T): T {
  try {
    return make();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw new InputError(`${e.message} ${flagsOf(e.fields)}`);
  }
}

/** "(flag --lr)", "(flags --n-embd, --n-head)": the flags of some fields. */
function flagsOf(fields: readonly (keyof Config)[]): string {
  const flags = [...new Set(fields.map(flagFor))];
  const which = flags.length === 1 ? "flag" : "flags";
  return `(${which} ${flags.join(", ")})`;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** One flag's value from its text (undefined: the flag stood alone). */
function readValue(
  flag: Flag,
  raw: string,
  text: string | undefined,
  negated: boolean,
): string | number | bigint | boolean {
  if (flag.type === "boolean") {
    if (text === undefined) return !negated;
    if (negated) throw new InputError(`${raw} takes no value`);
    if (["true", "1", "yes"].includes(text)) return true;
    if (["false", "0", "no"].includes(text)) return false;
    throw new InputError(
      `${raw} takes no value, or true/false; got ${JSON.stringify(text)}`,
    );
  }
  if (text === undefined || text === "")
    throw new InputError(`${raw} needs a value`);
  if ("field" in flag.target && flag.target.field === "seed") {
    try {
      return parseSeed(text); // any whole number, as Python's random.seed takes
    } catch {
      throw new InputError(
        `${raw} needs a whole number, got ${JSON.stringify(text)}`,
      );
    }
  }
  if (flag.type === "number") {
    const v = NUMBER.test(text.trim()) ? Number(text) : NaN;
    if (!Number.isFinite(v))
      throw new InputError(
        `${raw} needs a number, got ${JSON.stringify(text)}`,
      );
    return v;
  }
  if (flag.choices !== undefined && !flag.choices.includes(text)) {
    throw new InputError(
      `${raw} must be one of ${flag.choices.join(", ")}; got ${JSON.stringify(text)}`,
    );
  }
  return text;
}

interface Parsed {
  overrides: Partial<Config>;
  options: Record<string, string | number | bigint | boolean>;
}

/** Reads `--name value`, `--name=value`, `--flag` and `--no-flag`; a later flag wins. */
function readFlags(
  command: string,
  flags: readonly Flag[],
  argv: readonly string[],
): Parsed {
  const byName = new Map<string, { flag: Flag; negated: boolean }>();
  for (const flag of flags) {
    for (const name of flag.names) {
      byName.set(name, { flag, negated: false });
      if (flag.type === "boolean" && "field" in flag.target)
        byName.set(`no-${name}`, { flag, negated: true });
    }
  }
  const { tokens } = splitArgv({
    args: [...argv],
    options: Object.fromEntries(
      [...byName].map(([name, { flag }]) => [
        name,
        { type: flag.type === "boolean" ? "boolean" : "string" } as const,
      ]),
    ),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const out: Parsed = { overrides: {}, options: {} };
  const fields: Record<string, unknown> = out.overrides;
  for (const token of tokens) {
    if (token.kind !== "option") {
      const arg = token.kind === "positional" ? token.value : "--";
      throw new InputError(
        `unexpected argument ${JSON.stringify(arg)} (see microgpt ${command} --help)`,
      );
    }
    const found = byName.get(token.name);
    if (found === undefined)
      throw new InputError(
        `unknown flag ${token.rawName} (see microgpt ${command} --help)`,
      );
    const { flag, negated } = found;
    const value = readValue(flag, token.rawName, token.value, negated);
    if ("field" in flag.target) fields[flag.target.field] = value;
    else out.options[flag.target.option] = value;
  }
  return out;
}

/** Each option's value, or its default. */
function withDefaults<T extends Readonly<Record<string, OptionSpec>>>(
  specs: T,
  given: Parsed["options"],
): OptionValues<T> {
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs))
    values[name] = given[name] ?? spec.default;
  return values as OptionValues<T>;
}

function parseTrain(argv: readonly string[]): Args {
  const { overrides, options } = readFlags("train", TRAIN_FLAGS, argv);
  if (options.help === true) return { command: "help", topic: "train" };
  return {
    command: "train",
    overrides,
    ...withDefaults(TRAIN_OPTIONS, options),
  };
}

function parseSample(argv: readonly string[]): Args {
  const { overrides, options } = readFlags("sample", SAMPLE_FLAGS, argv);
  if (options.help === true) return { command: "help", topic: "sample" };
  const { load, ...rest } = withDefaults(SAMPLE_OPTIONS, options);
  if (load === undefined)
    throw new InputError(
      "sample needs --load FILE (a checkpoint written by train --save)",
    );
  // A bad flag is reported before the checkpoint is read.
  namingFlags(() => validateConfig({ ...defaultConfig, ...overrides }));
  return { command: "sample", overrides, load, ...rest };
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
    const topic =
      rest[0] === "train" || rest[0] === "sample" ? rest[0] : "main";
    return { command: "help", topic };
  }
  if (command === "train") return parseTrain(rest);
  if (command === "sample") return parseSample(rest);
  throw new InputError(
    `unknown command ${JSON.stringify(command)}: use train or sample (see microgpt --help)`,
  );
}

const WIDTH = 80;
const LEFT = 26;

/** Wraps words into lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  return [...lines, line];
}

/** The flag as --help shows it: `--steps N`, `--tie-weights, --no-tie-weights`. */
function usage(flag: Flag): string {
  const name = `--${flag.names[0]}`;
  if (flag.type !== "boolean")
    return `${name} ${flag.choices?.join("|") ?? flag.meta}`;
  return "field" in flag.target ? `${name}, --no-${flag.names[0]}` : name;
}

/** The flags of a command under their section headings. */
function flagTable(flags: readonly Flag[]): string {
  const sections: string[] = [];
  for (const [group, title] of Object.entries(GROUPS)) {
    const rows = flags.filter((f) => f.group === group);
    if (rows.length === 0) continue;
    const lines = [`${title}:`];
    for (const flag of rows) {
      const left = `  ${usage(flag)}`;
      const text = wrap(
        [flag.what, flag.shown].filter((s) => s !== "").join(" "),
        WIDTH - LEFT,
      );
      if (left.length < LEFT - 1) lines.push(left.padEnd(LEFT) + text[0]);
      else lines.push(left, " ".repeat(LEFT) + text[0]);
      for (const more of text.slice(1)) lines.push(" ".repeat(LEFT) + more);
    }
    sections.push(lines.join("\n"));
  }
  return sections.join("\n\n");
}

/** "--steps (num_steps), ..." for the flags shorter than their field. */
function renamedFlags(): string {
  return (Object.keys(FIELD_HELP) as (keyof Config)[])
    .filter((f) => FIELD_HELP[f].flag !== undefined)
    .map((f) => `${flagFor(f)} (${f})`)
    .join(", ");
}

const MAIN_HELP = `microgpt: a tiny GPT, trained and sampled from the command line

usage:
  microgpt train [options]               train a model on documents, print losses and samples
  microgpt sample --load FILE [options]  draw samples from a checkpoint written by train --save
  microgpt --help | train --help | sample --help
`;

const count = (n: number): string => n.toLocaleString("en-US");

/** The limits, checked before anything is allocated or read. */
const LIMITS = wrap(
  "Limits, far above anything the book does, checked before anything is " +
    `allocated: a model of at most ${count(MAX_PARAMETERS)} parameters and ` +
    `about ${MAX_MODEL_BYTES / 1024 ** 3} GiB of numbers (weights, Adam's ` +
    "state, the activations of one block: --n-embd, --n-layer, --n-head, " +
    `--block-size); data files of at most ${MAX_DATA_BYTES / 1024 ** 2} MiB ` +
    `and ${count(MAX_VOCAB_CHARS)} distinct characters; --temperature at ` +
    `least ${MIN_TEMPERATURE}. Checkpoints are held to the same limits.`,
  WIDTH,
).join("\n");

function trainHelp(): string {
  const intro = wrap(
    "Trains a GPT on the documents, then draws samples. Defaults are " +
      "Karpathy's final microGPT; --preset original switches to his first " +
      "published version (11 Feb 2026). Every configuration field has a " +
      "flag named after it (n_embd: --n-embd); a few have a shorter name: " +
      `${renamedFlags()}. Defaults in brackets, with the original preset's ` +
      "where it differs.",
    WIDTH,
  ).join("\n");
  return `usage: microgpt train [options]

${intro}

${flagTable(TRAIN_FLAGS)}

--jsonl prints {"docs","vocab_size","params"}, then {"step","loss"} per step (and
{"step","val_loss"} every --eval-every steps), then {"sample","text"} per sample, then
{"train_seconds"}. "docs" counts the documents trained on (without --val-docs).

Ctrl-C stops training after the current step; with --save the run is saved first (then
the exit status is 130), and \`microgpt train --resume FILE\` continues it: the losses and
samples are those of the run never stopped.

${LIMITS}
`;
}

function sampleHelp(): string {
  return `usage: microgpt sample --load FILE [options]

Draws samples from a checkpoint written by \`microgpt train --save FILE\`.
Without --seed, the samples continue the training run's random stream, so
they equal those printed after training; --seed N starts a fresh one.

${flagTable(SAMPLE_FLAGS)}

${LIMITS}
`;
}

function helpText(topic: Topic): string {
  if (topic === "train") return trainHelp();
  if (topic === "sample") return sampleHelp();
  return `${MAIN_HELP}\n${trainHelp()}\n${sampleHelp()}`;
}

export { parseArgs, helpText, flagFor, flagsOf, namingFlags, FIELD_HELP };
export type { Args, TrainArgs, SampleArgs, FieldHelp };
