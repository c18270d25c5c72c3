// The playground's settings: one entry per setting, so a new Config field is one more line.
import { defaultConfig, type Config } from "../../lib/config";

export interface Setting {
  key: keyof Config;
  label: string;
  /** Whole numbers, or any finite number. */
  kind: "int" | "real";
  /** The widget's own bounds (the library checks the rest, with its messages). */
  min: number;
  max: number;
  help: string;
}

export const SETTINGS: readonly Setting[] = [
  {
    key: "num_steps",
    label: "Steps",
    kind: "int",
    min: 1,
    max: 100_000,
    help: "training steps, one name each",
  },
  {
    key: "seed",
    label: "Seed",
    kind: "int",
    min: 0,
    max: 2 ** 31 - 1,
    help: "shuffle, initial weights, samples",
  },
  {
    key: "learning_rate",
    label: "Learning rate",
    kind: "real",
    min: 0,
    max: 1,
    help: "decays linearly to 0",
  },
  {
    key: "n_embd",
    label: "n_embd",
    kind: "int",
    min: 1,
    max: 128,
    help: "width of every vector",
  },
  {
    key: "n_head",
    label: "n_head",
    kind: "int",
    min: 1,
    max: 16,
    help: "attention heads (divide n_embd)",
  },
  {
    key: "n_layer",
    label: "n_layer",
    kind: "int",
    min: 0,
    max: 8,
    help: "transformer layers",
  },
  {
    key: "block_size",
    label: "block_size",
    kind: "int",
    min: 1,
    max: 64,
    help: "longest context, in tokens",
  },
  {
    key: "temperature",
    label: "Temperature",
    kind: "real",
    min: 0.01,
    max: 10,
    help: "of the samples",
  },
  {
    key: "num_samples",
    label: "Samples",
    kind: "int",
    min: 0,
    max: 100,
    help: "names drawn at the end",
  },
];

/** A setting's value in the form: its text, or a one-line problem. */
export function readSetting(s: Setting, text: string): number {
  const v = Number(text.trim());
  const range = `from ${s.min} to ${s.max}`;
  if (text.trim() === "" || !Number.isFinite(v))
    throw new RangeError(`${s.label} must be a number ${range}`);
  if (s.kind === "int" && !Number.isSafeInteger(v))
    throw new RangeError(`${s.label} must be a whole number ${range}`);
  if (v < s.min || v > s.max)
    throw new RangeError(`${s.label} must be ${range}, got ${v}`);
  return v;
}

/** The default of a setting, as the form shows it. */
export function defaultText(s: Setting): string {
  return String(defaultConfig[s.key]);
}

/** The command line's flag of a field: every field has one named after it (n_embd: --n-embd). */
export function flagOf(key: keyof Config): string {
  return `--${key.replace(/_/g, "-")}`;
}
