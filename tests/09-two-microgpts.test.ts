// Chapter 09: the first published microGPT (preset "original") against the final one.
// The original preset's parity with CPython was checked on names.txt (every loss within a relative
// 1e-6, identical 4-decimal lines and samples, as check-parity/compare-trace.py compare them);
// names.txt is not in the repository, so the regression run of the same code on the default corpus
// lives in tests/06-training.test.ts (fixtures/original-preset-default-200.json), not repeated here.
import { describe, expect, it } from "vitest";
import {
  backward,
  backwardGrads,
  buildTokenizer,
  createModel,
  createRandom,
  forwardLoss,
  emptyCache,
  finiteDifferenceGrads,
  gpt,
  lossAndGrads,
  makeConfig,
  parameterLayout,
  softmax,
  trainingTokens,
  type Config,
  type Model,
  type Value,
} from "microgpt";

const LETTERS = "abcdefghijklmnopqrstuvwxyz";

/** A 28-token vocabulary like names.txt's under the original preset: 26 letters, BOS, EOS. */
const tok = buildTokenizer([LETTERS], "bos-eos");

function tinyModel(
  overrides: Partial<Config>,
  preset: "final" | "original",
): { model: Model; tokens: number[] } {
  const config = makeConfig({ n_embd: 4, n_head: 2, ...overrides }, preset);
  const t = buildTokenizer([LETTERS], config.special_tokens);
  const model = createModel(config, t.vocabSize, createRandom(42));
  // A one-letter name: BOS a END, two positions.
  return { model, tokens: trainingTokens(t, "a", config) };
}

/** The largest |a - b|, and the largest |b|. */
function compare(
  a: readonly number[],
  b: readonly number[],
): { diff: number; scale: number } {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return { diff, scale };
}

describe("the original preset's parameters", () => {
  it("count 3,648 on a 28-token vocabulary (no lm_head), 4,096 with one", () => {
    const config = makeConfig({}, "original");
    expect(tok.vocabSize).toBe(28);
    const count = (c: Config): number =>
      parameterLayout(c, 28).reduce((s, [, rows, cols]) => s + rows * cols, 0);
    // wte 28x16 + wpe 8x16 + 4 attention matrices 16x16 + mlp 64x16 and 16x64
    expect(count(config)).toBe(28 * 16 + 8 * 16 + 4 * 256 + 2 * 1024);
    expect(count(config)).toBe(3648);
    expect(count({ ...config, tie_weights: false })).toBe(4096);
    expect(createModel(config, 28, createRandom(42)).params.length).toBe(3648);
  });
});

describe("gradients against central finite differences", () => {
  it("the per-position backward of the original preset disagrees", () => {
    for (const overrides of [{}, { zero_init_out: false, init_std: 0.3 }]) {
      const { model, tokens } = tinyModel(overrides, "original");
      expect(tokens).toHaveLength(3);
      const { diff, scale } = compare(
        backwardGrads(model, tokens),
        finiteDifferenceGrads(model, tokens),
      );
      expect(scale).toBeGreaterThan(1e-3);
      expect(diff).toBeGreaterThan(0.1 * scale);
    }
  });

  it("one backward on the summed loss agrees, in the original preset and in the final version", () => {
    const cases: [Partial<Config>, "final" | "original"][] = [
      [{ backward_mode: "mean" }, "original"],
      [
        { backward_mode: "mean", zero_init_out: false, init_std: 0.3 },
        "original",
      ],
      [{}, "final"],
      [{ block_size: 8 }, "final"],
    ];
    for (const [overrides, preset] of cases) {
      const { model, tokens } = tinyModel(overrides, preset);
      const { diff, scale } = compare(
        backwardGrads(model, tokens),
        finiteDifferenceGrads(model, tokens),
      );
      expect(scale).toBeGreaterThan(1e-3);
      expect(diff).toBeLessThan(1e-8 * Math.max(1, scale));
    }
  });

  it("at initialisation the error is position 0's input gradient, counted a second time", () => {
    const { model, tokens } = tinyModel({}, "original");
    const buggy = backwardGrads(model, tokens);
    const fd = finiteDifferenceGrads(model, tokens);
    const first = positionGrads(model, tokens, 0);
    for (const row of [model.wpe[0], model.wte[tokens[0]]]) {
      for (let j = 0; j < row.length; j++) {
        const i = model.params.indexOf(row[j]);
        expect(
          Math.abs(
            buggy[i] - fd[i] - first[model.params.indexOf(model.wpe[0][j])],
          ),
        ).toBeLessThan(1e-9);
      }
    }
    // Everything else is right.
    const wrong = new Set(
      [...model.wpe[0], ...model.wte[tokens[0]]].map((v) =>
        model.params.indexOf(v),
      ),
    );
    buggy.forEach((g, i) => {
      if (!wrong.has(i)) expect(Math.abs(g - fd[i])).toBeLessThan(1e-9);
    });
  });

  it("counts position 0's attn_wv contribution n_embd + 2, ..., 3 times (once per node of the sum chain above it)", () => {
    const { model, tokens } = tinyModel(
      { zero_init_out: false, init_std: 0.3 },
      "original",
    );
    const buggy = backwardGrads(model, tokens);
    const first = positionGrads(model, tokens, 0);
    const second = positionGrads(model, tokens, 1);
    for (const row of model.layers[0].attn_wv) {
      const counts = row.map((w) => {
        const i = model.params.indexOf(w);
        return (buggy[i] - second[i]) / first[i];
      });
      counts.forEach((c, j) => expect(c).toBeCloseTo(6 - j, 6));
    }
  });
});

describe("forwardLoss", () => {
  it("is the loss the per-position backward reports, bit for bit", () => {
    const { model, tokens } = tinyModel({ n_embd: 8 }, "original");
    const longer = [tokens[0], 2, 3, 4, 5, 1];
    for (const t of [tokens, longer]) {
      const reported = lossAndGrads(model, t);
      for (const p of model.params) p.grad = 0;
      expect(forwardLoss(model, t)).toBe(reported);
    }
  });

  it("backwardGrads leaves every grad at 0", () => {
    const { model, tokens } = tinyModel({}, "original");
    backwardGrads(model, tokens);
    expect(model.params.every((p) => p.grad === 0)).toBe(true);
  });
});

/** The gradient of position `pos`'s loss alone (times 1/n), through a fresh graph of positions 0..pos. */
function positionGrads(
  model: Model,
  tokens: readonly number[],
  pos: number,
): number[] {
  const n = tokens.length - 1;
  const { keys, values } = emptyCache(model.config);
  let logits: Value[] = [];
  for (let t = 0; t <= pos; t++)
    logits = gpt(model, tokens[t], t, keys, values);
  for (const p of model.params) p.grad = 0;
  backward(
    softmax(logits)
      [tokens[pos + 1]].log()
      .neg()
      .mul(1 / n),
  );
  const g = model.params.map((p) => p.grad);
  for (const p of model.params) p.grad = 0;
  return g;
}
