// The playground's Web Worker: trains with the library's own loop (prepareRun, startTraining,
// trainStep), a chunk of steps at a time, and answers the page's questions about the model
// (probe a prefix, resample, checkpoint). The page never waits on it, so it never freezes.
import {
  InputError,
  defaultCorpus,
  docsFromBytes,
  parseDocs,
  type Tokenizer,
} from "../../lib/data";
import { makeConfig, type Config } from "../../lib/config";
import { createRandom, type GeneratorState } from "../../lib/random";
import { gpt, emptyCache, type Model } from "../../lib/gpt";
import {
  TrainingDiverged,
  copyWeightsInto,
  evaluate,
  prepareRun,
  startTraining,
  trainStep,
  valueEngine,
  type Training,
} from "../../lib/train";
import { createEngine } from "../../lib/fast";
import { sampleMany, temperatureProbs } from "../../lib/sample";
import {
  checkpointOf,
  decodeCheckpoint,
  encodeCheckpoint,
  modelFromCheckpoint,
} from "../../lib/checkpoint";
import { bigramLoss } from "./reference";
import type {
  DataChoice,
  FromWorker,
  HeadAttention,
  ProbeResult,
  ToWorker,
} from "./protocol";

// A chunk of steps runs about this long before the worker reads its messages (Stop).
const CHUNK_MS = 40;
// Preview samples come from their own generator, so the run's numbers stay the CLI's.
const PREVIEW_COUNT = 5;
const PREVIEW_SEED = 2026;

const post = (msg: FromWorker, transfer: Transferable[] = []): void =>
  (self as unknown as Worker).postMessage(msg, transfer);

/** What the page can ask about once a model exists (trained here or loaded). */
interface Session {
  config: Config;
  model: Model;
  tok: Tokenizer;
  /** The generator as training left it: `microgpt sample --load` starts from here. */
  rngAfter: GeneratorState;
  /** The training state, for a checkpoint (null for a loaded model: it is already a file). */
  training: Training | null;
  docCount: number;
  source: string | null;
}

let session: Session | null = null;
let stopRequested = false;
let busy = false;

/** The documents of a choice, validated as the command line validates a --data file. */
function readDocs(data: DataChoice): { docs: string[]; source: string | null } {
  if (data.kind === "builtin") return { docs: defaultCorpus(), source: null };
  if (data.kind === "pasted") {
    let docs: string[];
    try {
      docs = parseDocs(data.text);
    } catch (e) {
      throw e instanceof InputError
        ? new InputError(`the pasted list: ${e.message}`)
        : e;
    }
    if (docs.length === 0)
      throw new InputError("the pasted list has no documents (it is blank)");
    return { docs, source: null };
  }
  const { name, bytes } = data;
  return { docs: docsFromBytes(bytes, name), source: name };
}

/** Lets the worker read its messages (a Stop) between chunks, without a timer's delay. */
function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

async function train(msg: Extract<ToWorker, { type: "train" }>): Promise<void> {
  const t0 = performance.now();
  const seconds = (): number => (performance.now() - t0) / 1000;
  const config = makeConfig(msg.overrides);
  const { docs, source } = readDocs(msg.data);
  const run = prepareRun(docs, config);
  const t = startTraining(run, createEngine(msg.engine, run.model));
  post({
    type: "started",
    config,
    engine: msg.engine,
    docs: run.docs.length,
    valDocs: run.valDocs.length,
    vocabSize: run.tok.vocabSize,
    params: run.model.params.length,
    uniform: Math.log(run.tok.vocabSize),
    bigram: bigramLoss(run.docs, run.tok, config),
  });
  const preview = createRandom(PREVIEW_SEED);
  const losses: number[] = [];
  const vals: { step: number; loss: number }[] = [];
  const flush = (): void => {
    if (losses.length === 0) return;
    post({
      type: "progress",
      step: t.step,
      losses: losses.splice(0),
      vals: vals.splice(0),
      seconds: seconds(),
    });
  };
  const every = config.eval_every;
  while (t.step < config.num_steps && !stopRequested) {
    const chunkStart = performance.now();
    do {
      losses.push(trainStep(t));
      // The held-out loss where the command line reports it: every eval_every steps and at the end.
      if (every > 0 && (t.step % every === 0 || t.step === config.num_steps))
        vals.push({
          step: t.step,
          loss: evaluate(t.engine, run.tok, run.valDocs),
        });
      if (
        msg.previewEvery > 0 &&
        t.step % msg.previewEvery === 0 &&
        t.step < config.num_steps
      ) {
        const samples = sampleMany(
          t.engine,
          run.tok,
          preview,
          PREVIEW_COUNT,
          config.temperature,
        );
        flush();
        post({ type: "preview", step: t.step, samples });
      }
    } while (
      t.step < config.num_steps &&
      performance.now() - chunkStart < CHUNK_MS
    );
    flush();
    await yieldToMessages();
  }
  copyWeightsInto(run.model, t.engine);
  const rngAfter = run.rng.getState();
  session = {
    config,
    model: run.model,
    tok: run.tok,
    rngAfter,
    training: t,
    docCount: docs.length,
    source,
  };
  const done = t.step === config.num_steps;
  // The command line samples right after training, from the generator where training left it.
  const samples = done
    ? sampleMany(
        t.engine,
        run.tok,
        run.rng,
        config.num_samples,
        config.temperature,
      )
    : [];
  post({
    type: "finished",
    status: done ? "done" : "stopped",
    step: t.step,
    samples,
    seconds: seconds(),
  });
}

/** What the model expects after the prefix, and where each head looks while reading it. */
function probe(s: Session, prefix: string): ProbeResult {
  const { model, tok, config } = s;
  const ids = [tok.bos, ...tok.encode(prefix)];
  if (ids.length > config.block_size)
    throw new InputError(
      `the model reads at most ${config.block_size - 1} characters after ` +
        `the start token (block_size ${config.block_size})`,
    );
  const { keys, values } = emptyCache(config);
  const attention: HeadAttention[] = [];
  for (let layer = 0; layer < config.n_layer; layer++)
    for (let head = 0; head < config.n_head; head++)
      attention.push({ layer, head, weights: [] });
  let logits: number[] = [];
  ids.forEach((id, pos) => {
    const out = gpt(model, id, pos, keys, values, (layer, head, w) =>
      attention[layer * config.n_head + head].weights.push([...w]),
    );
    logits = out.map((v) => v.data);
  });
  const labels = Array.from({ length: tok.vocabSize }, (_, id) =>
    id === tok.eos ? "end" : id === tok.bos ? "start" : tok.decode([id]),
  );
  return {
    prefix,
    tokens: ids.map((id, i) => (i === 0 ? "start" : tok.decode([id]))),
    probs: temperatureProbs(logits, 1),
    labels,
    attention,
  };
}

/** num_samples samples at `temperature`, from where training left the generator (as `microgpt sample --load`). */
function resample(s: Session, temperature: number): string[] {
  const config = makeConfig({ ...s.config, temperature });
  const rng = createRandom(0);
  rng.setState(s.rngAfter);
  return sampleMany(
    valueEngine(s.model),
    s.tok,
    rng,
    config.num_samples,
    temperature,
  );
}

function load(name: string, bytes: Uint8Array): void {
  const ck = decodeCheckpoint(bytes, name);
  const { model, tok } = modelFromCheckpoint(ck);
  session = {
    config: ck.config,
    model,
    tok,
    rngAfter: ck.rng,
    training: null,
    docCount: ck.docs?.count ?? 0,
    source: ck.docs?.source ?? null,
  };
  post({
    type: "loaded",
    name,
    config: ck.config,
    step: ck.step,
    vocabSize: tok.vocabSize,
    samples: resample(session, ck.config.temperature),
  });
}

function checkpoint(s: Session): void {
  if (s.training === null)
    throw new InputError(
      "this model was loaded from a file: it is saved already",
    );
  const ck = checkpointOf(s.training, {
    count: s.docCount,
    sha256: null,
    source: s.source,
  });
  // checkpointOf takes the generator as it is now; a checkpoint keeps it as training left it.
  ck.rng = s.rngAfter;
  const bytes = encodeCheckpoint(ck);
  post(
    { type: "checkpoint", bytes, name: `microgpt-step${ck.step}.safetensors` },
    [bytes.buffer],
  );
}

function messageOf(e: unknown): string {
  // Bad input and a diverged run are one line, as the command line prints them; others keep
  // their name.
  if (e instanceof InputError || e instanceof TrainingDiverged)
    return e.message;
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

self.onmessage = (ev: MessageEvent<ToWorker>): void => {
  const msg = ev.data;
  if (msg.type === "stop") {
    stopRequested = true;
    return;
  }
  if (msg.type === "train") {
    if (busy) return;
    busy = true;
    stopRequested = false;
    session = null;
    train(msg)
      .catch((e: unknown) =>
        post({ type: "error", about: "train", message: messageOf(e) }),
      )
      .finally(() => (busy = false));
    return;
  }
  const about = msg.type;
  try {
    if (msg.type === "load") {
      if (busy) throw new InputError("wait for training to finish, or stop it");
      load(msg.name, msg.bytes);
      return;
    }
    if (session === null)
      throw new InputError("train a model or load one first");
    if (msg.type === "probe")
      post({ type: "probe", result: probe(session, msg.prefix) });
    else if (msg.type === "sample")
      post({
        type: "samples",
        temperature: msg.temperature,
        samples: resample(session, msg.temperature),
      });
    else checkpoint(session);
  } catch (e) {
    post({ type: "error", about, message: messageOf(e) });
  }
};
