// Checkpoints: a trained model on disk, as JSON (doubles survive JSON exactly).
import * as fs from "fs";
import * as path from "path";
import {
  InputError,
  Value,
  assembleModel,
  buildTokenizer,
  createRandom,
  parameterLayout,
  validateConfig,
  type Config,
  type Matrix,
  type Model,
  type Random,
  type Tokenizer,
} from "../index";

const FORMAT = "microgpt-checkpoint";
const VERSION = 1;

interface CheckpointFile {
  format: typeof FORMAT;
  version: number;
  config: Config;
  vocab: { special_tokens: Config["special_tokens"]; chars: string[] };
  /** Number of training documents: enough to replay the random stream up to sampling. */
  docs: number;
  params: Record<string, number[][]>;
}

/** Writes the model (atomically: a temporary file, then a rename). */
function saveCheckpoint(
  file: string,
  model: Model,
  tok: Tokenizer,
  docCount: number,
): void {
  const params: Record<string, number[][]> = {};
  for (const [name, m] of Object.entries(model.stateDict))
    params[name] = m.map((row) => row.map((v) => v.data));
  const body: CheckpointFile = {
    format: FORMAT,
    version: VERSION,
    config: model.config,
    vocab: {
      special_tokens: model.config.special_tokens,
      chars: [...tok.chars],
    },
    docs: docCount,
    params,
  };
  const tmp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.tmp`,
  );
  try {
    fs.writeFileSync(tmp, JSON.stringify(body) + "\n");
    fs.renameSync(tmp, file);
  } catch (e) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // nothing to clean up
    }
    throw new InputError(
      `cannot write checkpoint ${file}: ${(e as Error).message}`,
    );
  }
}

interface Loaded {
  model: Model;
  tok: Tokenizer;
  docs: number;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Reads and checks a checkpoint; any problem is one InputError naming the file. */
function loadCheckpoint(file: string): Loaded {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT")
      throw new InputError(`checkpoint not found: ${file}`);
    if (code === "EISDIR")
      throw new InputError(`checkpoint is a directory, not a file: ${file}`);
    throw new InputError(
      `cannot read checkpoint ${file}: ${(e as Error).message}`,
    );
  }
  const corrupt = (why: string): never => {
    throw new InputError(`checkpoint ${file} is corrupt: ${why}`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    if (text.trim().startsWith(`{"format":"${FORMAT}"`))
      corrupt("it is truncated or damaged (not complete JSON)");
    throw new InputError(`${file} is not a microgpt checkpoint (not JSON)`);
  }
  if (!isRecord(raw) || raw.format !== FORMAT)
    throw new InputError(`${file} is not a microgpt checkpoint`);
  if (raw.version !== VERSION) {
    throw new InputError(
      `checkpoint ${file} has format version ${JSON.stringify(raw.version)}; this microgpt reads version ${VERSION}`,
    );
  }
  if (!isRecord(raw.config)) corrupt("no config");
  let config: Config;
  try {
    config = validateConfig({ ...(raw.config as unknown as Config) });
  } catch (e) {
    return corrupt((e as Error).message);
  }
  const vocab = raw.vocab;
  if (
    !isRecord(vocab) ||
    !Array.isArray(vocab.chars) ||
    vocab.special_tokens !== config.special_tokens
  )
    corrupt("bad vocabulary");
  const chars = (vocab as { chars: unknown[] }).chars;
  for (const ch of chars)
    if (typeof ch !== "string" || Array.from(ch).length !== 1)
      corrupt("bad vocabulary character");
  const tok = buildTokenizer(chars as string[], config.special_tokens);
  if (
    tok.chars.length !== chars.length ||
    tok.chars.some((c, i) => c !== chars[i])
  )
    corrupt("vocabulary not sorted or has duplicates");
  if (
    typeof raw.docs !== "number" ||
    !Number.isSafeInteger(raw.docs) ||
    raw.docs < 1
  )
    corrupt("bad document count");
  if (!isRecord(raw.params)) corrupt("no parameters");
  const params = raw.params as Record<string, unknown>;
  const layout = parameterLayout(config, tok.vocabSize);
  if (Object.keys(params).length !== layout.length)
    corrupt(
      `expected ${layout.length} parameter matrices, found ${Object.keys(params).length}`,
    );
  const stateDict: Record<string, Matrix> = {};
  for (const [name, rows, cols] of layout) {
    const m = params[name];
    if (!Array.isArray(m) || m.length !== rows)
      corrupt(`matrix ${name} should have ${rows} rows`);
    stateDict[name] = (m as unknown[]).map((row) => {
      if (!Array.isArray(row) || row.length !== cols)
        corrupt(`matrix ${name} should have ${cols} columns`);
      return (row as unknown[]).map((x) => {
        if (typeof x !== "number" || !Number.isFinite(x))
          corrupt(`matrix ${name} holds a value that is not a finite number`);
        return new Value(x as number);
      });
    });
  }
  return {
    model: assembleModel(config, tok.vocabSize, stateDict),
    tok,
    docs: raw.docs as number,
  };
}

/** The generator as it stood after training: seeded, docs shuffled, every weight drawn. */
function replayRandom(
  config: Config,
  docs: number,
  paramCount: number,
): Random {
  const rng = createRandom(config.seed);
  rng.shuffle(new Array<number>(docs).fill(0));
  for (let i = 0; i < paramCount; i++) rng.gauss(0, 1);
  return rng;
}

export { saveCheckpoint, loadCheckpoint, replayRandom };
