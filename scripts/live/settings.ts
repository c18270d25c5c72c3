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

const int = (
  key: keyof Config,
  label: string,
  min: number,
  max: number,
  help: string,
): Setting => ({ key, label, kind: "int", min, max, help });
const real = (
  key: keyof Config,
  label: string,
  min: number,
  max: number,
  help: string,
): Setting => ({ key, label, kind: "real", min, max, help });

// prettier-ignore
export const SETTINGS: readonly Setting[] = [
  int("num_steps", "Steps", 1, 100_000, "training steps, one document each"),
  int("seed", "Seed", 0, 2 ** 31 - 1, "shuffle, initial weights, samples"),
  real("learning_rate", "Learning rate", 0, 1, "decays linearly to 0"),
  int("n_embd", "n_embd", 1, 128, "width of every vector"),
  int("n_head", "n_head", 1, 16, "attention heads (they divide n_embd)"),
  int("n_layer", "n_layer", 0, 8, "transformer layers"),
  int("block_size", "block_size", 1, 64, "longest context, in tokens"),
  real("temperature", "Temperature", 0.01, 10, "of the samples"),
  int("num_samples", "Samples", 0, 100, "names drawn at the end"),
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
