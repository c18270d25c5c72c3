// Chapter 10: checkpoints as safetensors. Round trips, the file layout, every refusal of a
// damaged or hostile file, version 1 JSON, resuming bit for bit, and Python (safetensors +
// NumPy, scripts/checkpoint-logits.py) reading a checkpoint written by the CLI.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  InputError,
  checkpointOf,
  createEngine,
  decodeCheckpoint,
  defaultCorpus,
  emptyCache,
  encodeCheckpoint,
  fingerprintDocs,
  flatWeights,
  gpt,
  loadCheckpoint,
  makeConfig,
  modelFromCheckpoint,
  prepareRun,
  resumeTraining,
  sampleMany,
  saveCheckpoint,
  startTraining,
  trainFrom,
  type Checkpoint,
  type Config,
  type Training,
} from "microgpt";
import { run } from "../lib/cli/main";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "microgpt-ch10-"));
const corpus = defaultCorpus();

/** A training state after `steps` steps of a run of `config`. */
function trained(
  config: Config,
  steps: number,
  engine: "value" | "fast" = "value",
): Training {
  const r = prepareRun(corpus, config);
  const t = startTraining(r, createEngine(engine, r.model));
  trainFrom(t, (step) => step < steps);
  return t;
}

const config = makeConfig({ num_steps: 30, num_samples: 3 });
const t10 = trained(config, 10);
const ck10 = checkpointOf(t10, fingerprintDocs(corpus));
const bytes10 = encodeCheckpoint(ck10);

interface Entry {
  dtype: string;
  shape: number[];
  data_offsets: number[];
}
/** A safetensors header: tensors by name, and the metadata. */
type Header = Record<string, Entry> & { __metadata__: Record<string, unknown> };

function header(bytes: Uint8Array): {
  length: number;
  json: Header;
} {
  const length = Number(
    new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true),
  );
  const json = JSON.parse(
    new TextDecoder().decode(bytes.subarray(8, 8 + length)),
  );
  return { length, json };
}

/** The bytes with their header replaced by `edit`'s change of it (data unchanged). */
function withHeader(bytes: Uint8Array, edit: (h: Header) => void): Uint8Array {
  const { length, json } = header(bytes);
  edit(json);
  const text = new TextEncoder().encode(JSON.stringify(json));
  const data = bytes.subarray(8 + length);
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

const exactly = (a: ArrayLike<number>, b: ArrayLike<number>): void =>
  expect(Array.from(a).map(String)).toEqual(Array.from(b).map(String));

describe("round trip", () => {
  it("gives back every part of the checkpoint, exactly", () => {
    const back = decodeCheckpoint(bytes10);
    expect(back.config).toEqual(ck10.config);
    expect(back.chars).toEqual(ck10.chars);
    exactly(back.params, ck10.params);
    exactly(back.adam!.m, ck10.adam!.m);
    exactly(back.adam!.v, ck10.adam!.v);
    expect(back.step).toBe(10);
    expect(back.rng).toEqual(ck10.rng);
    expect(back.docs).toEqual(ck10.docs);
    expect(encodeCheckpoint(back)).toEqual(bytes10);
  });

  it("keeps a seed beyond 2^53 as a bigint, a version 1 style config, and no Adam state", () => {
    const big = makeConfig({
      seed: 10n ** 30n,
      num_steps: 2,
      tie_weights: true,
      n_layer: 2,
    });
    const t = trained(big, 1);
    const ck: Checkpoint = { ...checkpointOf(t, null), adam: null };
    const back = decodeCheckpoint(encodeCheckpoint(ck));
    expect(back.config.seed).toBe(10n ** 30n);
    expect(back.adam).toBeNull();
    expect(back.docs).toBeNull();
    exactly(back.params, ck.params);
    expect(header(encodeCheckpoint(ck)).json.__metadata__.config).toMatch(
      /"seed":"1000000000000000000000000000000"/,
    );
  });
});

describe("the ablation switches (chapter 5b)", () => {
  it("round-trip, and a checkpoint written before them loads with both on", () => {
    const off = makeConfig({ num_steps: 2, residual: false, norm: false });
    const ck = checkpointOf(trained(off, 1), null);
    const back = decodeCheckpoint(encodeCheckpoint(ck));
    expect([back.config.residual, back.config.norm]).toEqual([false, false]);
    // The same file as an older version wrote it: no residual, no norm.
    const old = withHeader(bytes10, (h) => {
      const c = JSON.parse(String(h.__metadata__.config)) as Record<
        string,
        unknown
      >;
      delete c.residual;
      delete c.norm;
      h.__metadata__.config = JSON.stringify(c);
    });
    expect(header(old).json.__metadata__.config).not.toMatch(
      /"residual"|"norm"/,
    );
    const loaded = decodeCheckpoint(old);
    expect([loaded.config.residual, loaded.config.norm]).toEqual([true, true]);
    exactly(loaded.params, ck10.params);
  });
});

describe("the file", () => {
  const { length, json } = header(bytes10);

  it("is safetensors: a little-endian length, JSON, then F64 data, contiguous, in order", () => {
    expect(length % 8).toBe(0);
    const names = Object.keys(json).filter((k) => k !== "__metadata__");
    const weights = [
      "wte",
      "wpe",
      "lm_head",
      ...["attn_wq", "attn_wk", "attn_wv", "attn_wo", "mlp_fc1", "mlp_fc2"].map(
        (n) => `layer0.${n}`,
      ),
    ];
    expect(names).toEqual([
      ...weights,
      ...weights.map((n) => `adam.m.${n}`),
      ...weights.map((n) => `adam.v.${n}`),
    ]);
    let at = 0;
    for (const n of names) {
      expect(json[n].dtype).toBe("F64");
      expect(json[n].data_offsets[0]).toBe(at);
      at = json[n].data_offsets[1];
      expect(at - json[n].data_offsets[0]).toBe(
        8 * json[n].shape[0] * json[n].shape[1],
      );
    }
    expect(bytes10.length).toBe(8 + length + at);
    expect(json.wte.shape).toEqual([27, 16]);
    expect(json["layer0.mlp_fc1"].shape).toEqual([64, 16]);
    // the first weight, little-endian, where the header says
    const first = new DataView(bytes10.buffer).getFloat64(8 + length, true);
    expect(first).toBe(ck10.params[0]);
  });

  it("holds only strings in its metadata", () => {
    const meta = json.__metadata__ as Record<string, unknown>;
    expect(Object.keys(meta).sort()).toEqual([
      "config",
      "docs",
      "format",
      "rng",
      "step",
      "version",
      "vocab",
    ]);
    for (const v of Object.values(meta)) expect(typeof v).toBe("string");
    expect(meta.format).toBe("microgpt");
    expect(meta.step).toBe("10");
  });

  it("has no lm_head with tied weights", () => {
    const t = trained(makeConfig({ num_steps: 1, tie_weights: true }), 1);
    expect(
      Object.keys(header(encodeCheckpoint(checkpointOf(t, null))).json),
    ).not.toContain("lm_head");
  });
});

describe("a damaged or hostile file is one InputError line", () => {
  const dataStart = 8 + header(bytes10).length;
  const number = (i: number, x: number): Uint8Array => {
    const b = bytes10.slice();
    new DataView(b.buffer).setFloat64(dataStart + 8 * i, x, true);
    return b;
  };
  const n = ck10.params.length;
  const meta = (key: string, value: string) =>
    withHeader(bytes10, (h) => (h.__metadata__[key] = value));
  const config = (change: Record<string, unknown>) =>
    meta(
      "config",
      JSON.stringify({
        ...(JSON.parse(
          header(bytes10).json.__metadata__.config as string,
        ) as object),
        ...change,
      }),
    );
  const hugeLength = bytes10.slice();
  new DataView(hugeLength.buffer).setBigUint64(0, 2n ** 63n, true);
  const cases: [string, Uint8Array, RegExp][] = [
    ["empty", new Uint8Array(0), /not a microgpt checkpoint: it has 0 bytes/],
    ["7 bytes", bytes10.subarray(0, 7), /not a microgpt checkpoint/],
    [
      "header length beyond any header",
      hugeLength,
      /header length \(9223372036854775808 bytes\) is beyond any safetensors header \(at most 100000000 bytes\)/,
    ],
    [
      "cut in the header",
      bytes10.subarray(0, 100),
      /goes beyond the end of the file \(100 bytes\)/,
    ],
    [
      "cut in the data",
      bytes10.subarray(0, bytes10.length - 1),
      /corrupt: .*outside the \d+ bytes of data \(truncated\?\)/,
    ],
    [
      "extra bytes",
      new Uint8Array([...bytes10, 0, 0, 0, 0, 0, 0, 0, 0]),
      /last 8 bytes of the data belong to no tensor/,
    ],
    [
      "header not JSON",
      withHeader(bytes10, () => undefined).map((b, i) => (i === 8 ? 0x41 : b)),
      /header is not JSON/,
    ],
    [
      "header a list",
      (() => {
        const t = new TextEncoder().encode("[1,2]   ");
        const b = new Uint8Array(16);
        new DataView(b.buffer).setBigUint64(0, 8n, true);
        b.set(t, 8);
        return b;
      })(),
      /not a JSON object/,
    ],
    [
      "foreign safetensors",
      withHeader(bytes10, (h) => delete (h as Partial<Header>).__metadata__),
      /not a microgpt checkpoint: its safetensors header has no microgpt metadata/,
    ],
    [
      "metadata not a string",
      withHeader(bytes10, (h) => (h.__metadata__.step = 10)),
      /metadata "step" is not a string/,
    ],
    [
      "newer version",
      meta("version", "3"),
      /format version "3"; this microgpt reads versions 1 and 2/,
    ],
    [
      "F32",
      withHeader(bytes10, (h) => (h.wpe.dtype = "F32")),
      /tensor "wpe" has dtype "F32"; microgpt stores F64/,
    ],
    [
      "bad shape",
      withHeader(bytes10, (h) => (h.wpe.shape = [16, -16])),
      /tensor "wpe" has no valid shape/,
    ],
    [
      "shape and size disagree",
      withHeader(bytes10, (h) => (h.wpe.shape = [16, 8])),
      /tensor "wpe" has shape \[16,8\], 1024 bytes, but data_offsets give 2048/,
    ],
    [
      "offsets out of range",
      withHeader(bytes10, (h) => (h.wte.data_offsets = [1e15, 1e15 + 3456])),
      /outside the/,
    ],
    [
      "offsets reversed",
      withHeader(bytes10, (h) => (h.wte.data_offsets = [3456, 0])),
      /outside the/,
    ],
    [
      "overlap",
      withHeader(
        bytes10,
        (h) =>
          (h.wpe.data_offsets = h.wpe.data_offsets.map((o: number) => o - 8)),
      ),
      /tensors "wte" and "wpe" overlap/,
    ],
    [
      "gap",
      withHeader(bytes10, (h) => (h.wte.data_offsets = [8, 3464])),
      /bytes 0 to 8 of the data belong to no tensor/,
    ],
    [
      "a tensor renamed",
      withHeader(bytes10, (h) => {
        h.wtf = h.wte;
        delete h.wte;
      }),
      /tensor "wte" is missing/,
    ],
    [
      "config: n_embd 32",
      config({ n_embd: 32 }),
      /tensor "wte" has shape \[27,16\]; the configuration and the vocabulary of 27 call for \[27,32\]/,
    ],
    [
      "config: absurd layers",
      config({ n_layer: 2 ** 40 }),
      /corrupt: invalid configuration: the model would have 3,377,699,720,528,192 parameters, more than the limit of 10,000,000$/,
    ],
    [
      "config: n_layer 1e8",
      config({ n_layer: 1e8 }),
      /the model would have 307,200,000,320 parameters, more than the limit/,
    ],
    [
      "config: absurd width",
      config({ n_embd: 2 ** 40, n_head: 1 }),
      /the model would have 14,507,109,835,397,540,000,000,000 parameters/,
    ],
    [
      "config: block_size beyond the memory limit",
      config({ block_size: 20_000 }),
      /the model would take about 24 GiB of memory/,
    ],
    [
      "a huge document count",
      meta("docs", JSON.stringify({ count: 1e8, sha256: null, source: null })),
      /corrupt: it counts 100000000 documents, more than the 33554432 a run can have/,
    ],
    [
      "config: absurd vocabulary",
      meta(
        "vocab",
        JSON.stringify(
          Array.from({ length: 5000 }, (_, i) =>
            String.fromCodePoint(0x4e00 + i),
          ),
        ),
      ),
      /vocabulary of 5001 call for \[5001,16\]/,
    ],
    [
      "config: invalid",
      config({ n_head: 5 }),
      /corrupt: invalid configuration: n_embd \(16\) must be divisible by n_head \(5\)/,
    ],
    [
      "config: unknown option",
      config({ dropout: 0.1 }),
      /unknown option "dropout"/,
    ],
    [
      "config: bad seed",
      config({ seed: "4.2" }),
      /seed: a seed must be a whole number/,
    ],
    [
      "vocabulary unsorted",
      meta("vocab", JSON.stringify([..."bacdefghijklmnopqrstuvwxyz"])),
      /not sorted/,
    ],
    [
      "vocabulary of strings",
      meta("vocab", JSON.stringify(["ab"])),
      /entry 0 is not one character/,
    ],
    [
      "step beyond the run",
      meta("step", "31"),
      /step 31 is not a step of a 30-step run/,
    ],
    ["step not a number", meta("step", "1e3"), /step 1e3 is not/],
    [
      "generator state",
      meta("rng", JSON.stringify({ ...ck10.rng, internal: [1, 2] })),
      /generator state: setState: internal must hold 625/,
    ],
    ["documents", meta("docs", '{"count":-1}'), /document record/],
    ["NaN weight", number(3, NaN), /tensor "wte" holds NaN at index 3/],
    [
      "infinite average",
      number(n + 7, Infinity),
      /tensor "adam.m.wte" holds Infinity at index 7/,
    ],
    [
      "negative v",
      number(3 * n - 1, -1e-300),
      /tensor "adam.v.layer0.mlp_fc2" holds -1e-300/,
    ],
  ];
  for (const [what, bytes, why] of cases) {
    it(what, () => {
      let error: unknown;
      try {
        decodeCheckpoint(bytes, "m.safetensors");
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InputError);
      const message = (error as Error).message;
      expect(message).toMatch(why);
      expect(message).toMatch(/^(checkpoint )?m\.safetensors /);
      expect(message).not.toMatch(/\n/);
    });
  }

  it("every truncation and many corruptions give an InputError or a valid checkpoint, nothing else", () => {
    for (let cut = 0; cut < bytes10.length; cut += 97)
      expect(() => decodeCheckpoint(bytes10.subarray(0, cut))).toThrow(
        InputError,
      );
    for (let i = 0; i < bytes10.length; i += 31) {
      const b = bytes10.slice();
      b[i] ^= 0x55;
      try {
        const ck = decodeCheckpoint(b);
        expect(ck.params.every(Number.isFinite)).toBe(true);
      } catch (e) {
        expect(e, `byte ${i}`).toBeInstanceOf(InputError);
      }
    }
  });
});

describe("on disk", () => {
  it("saves atomically (no temporary file left) and loads back", () => {
    const f = path.join(dir, "a.safetensors");
    fs.writeFileSync(f, "the old checkpoint");
    saveCheckpoint(f, ck10);
    expect(fs.readdirSync(dir).filter((n) => n.includes("tmp"))).toEqual([]);
    expect(loadCheckpoint(f)).toEqual(decodeCheckpoint(bytes10));
  });

  it("leaves nothing behind when it cannot write", () => {
    const f = path.join(dir, "no", "such", "dir.safetensors");
    expect(() => saveCheckpoint(f, ck10)).toThrow(/cannot write checkpoint/);
    expect(fs.existsSync(path.dirname(f))).toBe(false);
  });

  it("reads version 1 JSON: weights as saved, the generator rebuilt", () => {
    const t = trained(config, 30);
    const { model } = modelFromCheckpoint(checkpointOf(t, null));
    const f = path.join(dir, "v1.json");
    fs.writeFileSync(
      f,
      JSON.stringify({
        format: "microgpt-checkpoint",
        version: 1,
        config: t.run.config,
        vocab: { special_tokens: "bos", chars: t.run.tok.chars },
        docs: corpus.length,
        params: Object.fromEntries(
          Object.entries(model.stateDict).map(([k, m]) => [
            k,
            m.map((r) => r.map((w) => w.data)),
          ]),
        ),
      }),
    );
    const ck = loadCheckpoint(f);
    exactly(ck.params, t.engine.data);
    expect(ck.rng).toEqual(t.run.rng.getState());
    expect(ck.step).toBe(30);
    expect(ck.adam).toBeNull();
    expect(() => resumeTraining(ck, corpus)).toThrow(/no optimizer state/);
  });
});

describe("resume", () => {
  const straight = trained(config, 30);
  const want = [...straight.run.rng.getState().internal];
  const names = sampleMany(
    straight.engine,
    straight.run.tok,
    straight.run.rng,
    3,
    config.temperature,
  );

  /** Losses after the stop, and the names, of a run resumed from `ck`. */
  function finish(ck: Checkpoint, engine: "value" | "fast" = "value") {
    const t = resumeTraining(ck, corpus, (m) => createEngine(engine, m));
    const losses = trainFrom(t);
    return {
      t,
      losses,
      names: sampleMany(t.engine, t.run.tok, t.run.rng, 3, config.temperature),
    };
  }

  for (const engine of ["value", "fast"] as const) {
    it(`stopped at 1, 15 and 29 of 30 and resumed: the same losses, weights and names (${engine})`, () => {
      const r = prepareRun(corpus, config);
      const whole = startTraining(r, createEngine(engine, r.model));
      const wholeLosses = trainFrom(whole);
      const wholeNames = sampleMany(
        whole.engine,
        whole.run.tok,
        whole.run.rng,
        3,
        config.temperature,
      );
      for (const k of [1, 15, 29]) {
        const first = trained(config, k, engine);
        const ck = decodeCheckpoint(
          encodeCheckpoint(checkpointOf(first, fingerprintDocs(corpus))),
        );
        const rest = finish(ck, engine);
        expect(rest.losses).toHaveLength(30 - k);
        exactly(rest.losses, wholeLosses.slice(k));
        exactly(rest.t.engine.data, whole.engine.data);
        expect(rest.names).toEqual(wholeNames);
      }
    });
  }

  it("fails when a part of the checkpoint is left out (the faults the chapter names)", () => {
    const ck = checkpointOf(trained(config, 12), fingerprintDocs(corpus));
    const good = finish(ck);
    expect(good.names).toEqual(names);
    expect(good.t.run.rng.getState().internal).not.toEqual(want); // names drew from it
    const noAdam = finish({
      ...ck,
      adam: {
        m: new Float64Array(ck.params.length),
        v: new Float64Array(ck.params.length),
      },
    });
    expect(noAdam.losses[1]).not.toBe(good.losses[1]);
    const wrongStep = finish({ ...ck, step: 11 });
    expect(wrongStep.losses[0]).not.toBe(good.losses[0]);
    const freshGenerator = finish({
      ...ck,
      rng: prepareRun(corpus, { ...config, seed: 1 }).rng.getState(),
    });
    expect(freshGenerator.losses).toEqual(good.losses);
    expect(freshGenerator.names).not.toEqual(good.names);
  });

  it("refuses other documents", () => {
    expect(() => resumeTraining(ck10, corpus.slice(1))).toThrow(
      /these 8402 documents are not the 8403/,
    );
    const swapped = [...corpus];
    [swapped[0], swapped[1]] = [swapped[1], swapped[0]];
    expect(() => resumeTraining(ck10, swapped)).toThrow(InputError);
    expect(() => resumeTraining({ ...ck10, docs: null }, ["xyz"])).toThrow(
      /characters differ/,
    );
  });
});

describe("Python reads a checkpoint written by the CLI", () => {
  const python = path.join(__dirname, "..", ".venv", "bin", "python");
  const script = path.join(__dirname, "..", "scripts", "checkpoint-logits.py");
  const silent = { out: () => undefined, err: () => undefined, isTTY: false };

  const cases: [string, string[], string][] = [
    ["the default model, BOS", ["--steps", "20"], ""],
    ["the default model, BOS and four letters", ["--steps", "20"], "emma"],
    [
      "the original preset (tied weights, relu2, no embedding norm, BOS and EOS)",
      ["--preset", "original", "--steps", "20"],
      "ava",
    ],
    [
      "two layers, 8 heads, the fast engine",
      [
        "--n-layer",
        "2",
        "--n-embd",
        "32",
        "--n-head",
        "8",
        "--steps",
        "10",
        "--engine",
        "fast",
      ],
      "olivia",
    ],
  ];
  cases.forEach(([what, flags, text], i) => {
    it(`${what}: NumPy's logits equal ours within 1e-12`, () => {
      const f = path.join(dir, `py${i}.safetensors`);
      expect(
        run(["train", ...flags, "--samples", "0", "--save", f], silent),
      ).toBe(0);
      const { model, tok } = modelFromCheckpoint(loadCheckpoint(f));
      const ids = [tok.bos, ...tok.encode(text)];
      const p = spawnSync(python, [script, f, ...ids.map(String)], {
        encoding: "utf8",
      });
      expect(p.stderr).toBe("");
      expect(p.status).toBe(0);
      const theirs = JSON.parse(p.stdout) as {
        tokens: number[];
        logits: number[][];
      };
      expect(theirs.tokens).toEqual(ids);
      const cache = emptyCache(model.config);
      let worst = 0;
      ids.forEach((id, pos) => {
        const ours = gpt(model, id, pos, cache.keys, cache.values).map(
          (l) => l.data,
        );
        expect(theirs.logits[pos]).toHaveLength(ours.length);
        const scale = Math.max(...ours.map(Math.abs));
        ours.forEach(
          (x, j) =>
            (worst = Math.max(
              worst,
              Math.abs(x - theirs.logits[pos][j]) / scale,
            )),
        );
      });
      expect(worst).toBeLessThan(1e-12);
      expect(flatWeights(model).length).toBe(model.params.length);
    });
  });

  it("the script reads BOS alone by default, and refuses a file that is not ours", () => {
    const f = path.join(dir, "py0.safetensors");
    const p = spawnSync(python, [script, f], { encoding: "utf8" });
    expect((JSON.parse(p.stdout) as { tokens: number[] }).tokens).toEqual([26]);
    const plain = spawnSync(python, [
      "-c",
      `from safetensors.numpy import save_file; import numpy as np; save_file({"x": np.zeros(2)}, "${path.join(dir, "plain.safetensors")}")`,
    ]);
    expect(plain.status).toBe(0);
    const q = spawnSync(python, [script, path.join(dir, "plain.safetensors")], {
      encoding: "utf8",
    });
    expect(q.status).toBe(1);
    expect(q.stderr).toMatch(/not a microgpt checkpoint/);
    expect(() => loadCheckpoint(path.join(dir, "plain.safetensors"))).toThrow(
      /not a microgpt checkpoint/,
    );
  });
});

describe("the experiment options (chapter 11)", () => {
  const options = makeConfig({
    num_steps: 30,
    val_docs: 100,
    eval_every: 5,
    warmup_steps: 7,
    weight_decay: 0.25,
  });

  it("round-trip, and a resumed run trains as the one never stopped", () => {
    const whole = trained(options, 30, "fast");
    const t = trained(options, 12, "fast");
    const back = decodeCheckpoint(
      encodeCheckpoint(checkpointOf(t, fingerprintDocs(corpus))),
    );
    expect(back.config).toEqual(options);
    const resumed = resumeTraining(back, corpus, (m) =>
      createEngine("fast", m),
    );
    expect(resumed.run.valDocs).toEqual(whole.run.valDocs);
    trainFrom(resumed);
    exactly(resumed.engine.data, whole.engine.data);
  });

  it("default to off in a checkpoint written before they existed", () => {
    const old = withHeader(bytes10, (h) => {
      const meta = h.__metadata__ as Record<string, string>;
      const c = JSON.parse(meta.config) as Record<string, unknown>;
      for (const k of [
        "val_docs",
        "eval_every",
        "warmup_steps",
        "weight_decay",
      ])
        delete c[k];
      meta.config = JSON.stringify(c);
    });
    expect(header(old).json.__metadata__.config).not.toMatch(/val_docs/);
    const back = decodeCheckpoint(old);
    expect(back.config).toEqual(ck10.config);
    expect(back.config.weight_decay).toBe(0);
  });
});
