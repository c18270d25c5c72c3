// The messages between the playground page (widget.ts) and its Web Worker (worker.ts).
import type { Config } from "../../lib/config";

export type EngineKind = "value" | "fast";

/** Where the documents come from: the built-in names, a pasted list, or a file the reader opened. */
export type DataChoice =
  | { kind: "builtin" }
  | { kind: "pasted"; text: string }
  | { kind: "file"; name: string; bytes: Uint8Array };

export type ToWorker =
  | {
      type: "train";
      overrides: Partial<Config>;
      engine: EngineKind;
      data: DataChoice;
      /** Draw a few preview samples every this many steps (0: never). */
      previewEvery: number;
    }
  | { type: "stop" }
  | { type: "probe"; prefix: string }
  | { type: "sample"; temperature: number }
  | { type: "checkpoint" }
  | { type: "load"; name: string; bytes: Uint8Array };

/** One head's attention while the model reads the prefix: weights[query][key], keys 0..query. */
export interface HeadAttention {
  layer: number;
  head: number;
  weights: number[][];
}

export interface ProbeResult {
  prefix: string;
  /** The tokens the model read: the start token, then the prefix's characters. */
  tokens: string[];
  /** The probability of every token coming next (temperature 1), by token id. */
  probs: number[];
  /** The label of every token id: its character, or "end" for the end token. */
  labels: string[];
  attention: HeadAttention[];
}

/** The mean loss on the held-out documents after a step. */
export interface HeldOut {
  step: number;
  loss: number;
}

export type FromWorker =
  | {
      type: "started";
      config: Config;
      engine: EngineKind;
      /** Documents trained on, and held out (never trained on). */
      docs: number;
      valDocs: number;
      vocabSize: number;
      params: number;
      /** ln(vocabSize): the loss of a uniform guess. */
      uniform: number;
      /** The loss a table of letter-pair frequencies reaches on these documents. */
      bigram: number;
    }
  | {
      type: "progress";
      step: number;
      /** The losses of the steps since the last message, in order. */
      losses: number[];
      /** The held-out losses measured at those steps. */
      vals: HeldOut[];
      seconds: number;
    }
  | { type: "preview"; step: number; samples: string[] }
  | {
      type: "finished";
      status: "done" | "stopped";
      step: number;
      samples: string[];
      seconds: number;
    }
  | {
      type: "loaded";
      name: string;
      config: Config;
      step: number;
      vocabSize: number;
      samples: string[];
    }
  | { type: "probe"; result: ProbeResult }
  | { type: "samples"; temperature: number; samples: string[] }
  | { type: "checkpoint"; bytes: Uint8Array; name: string }
  | {
      type: "error";
      about: "train" | "probe" | "load" | "sample" | "checkpoint";
      message: string;
    };
