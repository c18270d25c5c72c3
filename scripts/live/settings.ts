// The playground's settings: one entry per setting, so a new Config field is one more line.
import { defaultConfig, type Config } from "../../lib/config";

export interface Setting {
  key: keyof Config;
  label: string;
  /** Whole numbers, any finite number, or a switch on or off (a checkbox). */
  kind: "int" | "real" | "switch";
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
const onOff = (key: keyof Config, label: string, help: string): Setting => ({
  key,
  label,
  kind: "switch",
  min: 0,
  max: 1,
  help,
});

// prettier-ignore
export const SETTINGS: readonly Setting[] = [
  int("num_steps", "Steps", 1, 100_000, "training steps, one document each"),
  int("seed", "Seed", 0, 2 ** 31 - 1, "shuffle, initial weights, samples"),
  real("learning_rate", "Learning rate", 0, 1, "decays linearly to 0"),
  int("n_embd", "n_embd", 1, 128, "width of every vector"),
  int("n_head", "n_head", 1, 16, "attention heads (they divide n_embd)"),
  int("n_layer", "n_layer", 0, 8, "transformer layers"),
  int("block_size", "block_size", 1, 64, "longest context, in tokens"),
  onOff("residual", "Residual", "add each block's output to its input"),
  onOff("norm", "RMSNorm", "normalize at the entrance of each block"),
  int("warmup_steps", "Warm-up steps", 0, 100_000, "the rate ramps up"),
  real("weight_decay", "Weight decay", 0, 10, "AdamW: pulls weights towards 0"),
  int("val_docs", "Held out", 0, 100_000, "documents never trained on"),
  int("eval_every", "Evaluate every", 0, 100_000, "steps between checks"),
  real("temperature", "Temperature", 0.01, 10, "of the samples"),
  int("num_samples", "Samples", 0, 100, "names drawn at the end"),
];

/** A setting's value in the form: a number or a switch's state, or a one-line problem. */
export function readSetting(
  s: Setting,
  input: HTMLInputElement,
): number | boolean {
  if (s.kind === "switch") return input.checked;
  const text = input.value.trim();
  const v = Number(text);
  const range = `from ${s.min} to ${s.max}`;
  if (text === "" || !Number.isFinite(v))
    throw new RangeError(`${s.label} must be a number ${range}`);
  if (s.kind === "int" && !Number.isSafeInteger(v))
    throw new RangeError(`${s.label} must be a whole number ${range}`);
  if (v < s.min || v > s.max)
    throw new RangeError(`${s.label} must be ${range}, got ${v}`);
  return v;
}

/** A setting's value as the command line writes it: "--n-embd 32", or "--no-residual". */
export function flagText(s: Setting, value: unknown): string {
  const flag = flagOf(s.key);
  if (s.kind === "switch") return value ? flag : flag.replace(/^--/, "--no-");
  return `${flag} ${String(value)}`;
}

/** A setting's value in a run's label: "n_embd 32", or "Residual off". */
export function labelText(s: Setting, value: unknown): string {
  if (s.kind === "switch") return `${s.label} ${value ? "on" : "off"}`;
  return `${s.label} ${String(value)}`;
}

/** The command line's flag of a field: every field has one named after it (n_embd: --n-embd). */
export function flagOf(key: keyof Config): string {
  return `--${key.replace(/_/g, "-")}`;
}
