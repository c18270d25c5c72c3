// Chapter 05a: masked (batched) attention against microGPT's loop over a key/value cache.
import { describe, expect, it } from "vitest";
import {
  Value,
  assembleModel,
  backward,
  buildTokenizer,
  createModel,
  createRandom,
  defaultCorpus,
  emptyCache,
  gpt,
  makeConfig,
  maskedAttention,
  maskedLogits,
  softmax,
  type Config,
  type Matrix,
  type Model,
  type PresetName,
} from "microgpt";

const tok = buildTokenizer(defaultCorpus());

function copyModel(m: Model): Model {
  const copy = (mat: Matrix): Matrix =>
    mat.map((r) => r.map((x) => new Value(x.data)));
  const entries = Object.entries(m.stateDict).map(([n, mat]) => [n, copy(mat)]);
  return assembleModel(m.config, m.vocabSize, Object.fromEntries(entries));
}

function meanLoss(rows: readonly Value[][], next: readonly number[]): Value {
  let total = new Value(0);
  rows.forEach((logits, t) => {
    total = total.add(softmax(logits)[next[t]].log().neg());
  });
  return total.mul(1 / rows.length);
}

/** The document's inputs and next tokens, cropped to block_size positions. */
function positions(doc: string, config: Config): [number[], number[]] {
  const ids = [tok.bos, ...tok.encode(doc), tok.bos];
  const n = Math.min(config.block_size, ids.length - 1);
  return [ids.slice(0, n), ids.slice(1, n + 1)];
}

function randomRows(
  rng: ReturnType<typeof createRandom>,
  T: number,
  e: number,
) {
  return Array.from({ length: T }, () =>
    Array.from({ length: e }, () => new Value(rng.gauss(0, 1))),
  );
}

describe("maskedAttention", () => {
  it("computes the hand-worked example of the chapter", () => {
    const row = (xs: number[]) => xs.map((x) => new Value(x));
    // positions 0 and 1 give their own query too; only row 2 is checked
    const q = [row([0, 0]), row([0, 0]), row([2, 1])];
    const k = [row([1, 0]), row([-1, 0.5]), row([1, 1])];
    const v = [row([1, 0]), row([0, 1]), row([0, -1])];
    const out = maskedAttention(q, k, v, 1);
    const s = [2, -1.5, 3].map((x) => Math.exp(x / Math.SQRT2));
    const sum = s[0] + s[1] + s[2];
    expect(out[2][0].data).toBeCloseTo(s[0] / sum, 15);
    expect(out[2][1].data).toBeCloseTo((s[1] - s[2]) / sum, 15);
    expect(out[2][0].data).toBeCloseTo(0.321, 3);
    // position 0 sees only itself: its output is its own value
    expect(out[0].map((x) => x.data)).toEqual([1, 0]);
  });

  it("gives the future exactly zero weight and every row a sum of 1", () => {
    const rng = createRandom(3);
    const [q, k, v] = [0, 1, 2].map(() => randomRows(rng, 7, 8));
    const seen: number[][][] = [];
    maskedAttention(q, k, v, 2, (head, scores, weights) => {
      expect(head).toBe(seen.length);
      scores.forEach((r, i) =>
        r.forEach((s, j) => expect(s === -Infinity).toBe(j > i)),
      );
      seen.push(weights.map((r) => [...r]));
    });
    expect(seen).toHaveLength(2);
    for (const w of seen)
      w.forEach((r, i) => {
        r.forEach((x, j) =>
          j > i ? expect(x).toBe(0) : expect(x).toBeGreaterThan(0),
        );
        expect(r.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
      });
  });

  it("is several one-head attentions on slices, side by side", () => {
    const rng = createRandom(5);
    const [q, k, v] = [0, 1, 2].map(() => randomRows(rng, 5, 12));
    const together = maskedAttention(q, k, v, 3);
    const slice = (rows: Value[][], h: number) =>
      rows.map((r) => r.slice(4 * h, 4 * h + 4));
    const apart = [0, 1, 2].map((h) =>
      maskedAttention(slice(q, h), slice(k, h), slice(v, h), 1),
    );
    together.forEach((row, t) =>
      row.forEach((x, c) =>
        expect(x.data).toBe(apart[Math.floor(c / 4)][t][c % 4].data),
      ),
    );
  });

  it("divides the scores by the square root of the head width", () => {
    // one head of width 4, two positions: row 1's weights from known scores
    const one = (x: number) => Array.from({ length: 4 }, () => new Value(x));
    const q = [one(0), one(1)];
    const k = [one(0), one(1)];
    let w1: readonly number[] = [];
    maskedAttention(q, k, [one(0), one(0)], 1, (_h, scores, weights) => {
      expect(scores[1]).toEqual([0, 4 / 2]);
      w1 = weights[1];
    });
    expect(w1[1]).toBeCloseTo(Math.exp(2) / (1 + Math.exp(2)), 15);
  });

  it("refuses inconsistent input with one clear message", () => {
    const rng = createRandom(1);
    const [q, k, v] = [0, 1, 2].map(() => randomRows(rng, 3, 6));
    expect(() => maskedAttention(q, k, v, 4)).toThrow(
      "maskedAttention: 4 heads do not divide a width of 6",
    );
    expect(() => maskedAttention(q, k.slice(1), v, 2)).toThrow(
      "maskedAttention: 3 queries, 2 keys, 3 values",
    );
    expect(() =>
      maskedAttention(q, k, [...v.slice(1), v[0].slice(1)], 2),
    ).toThrow("every vector must have 6 numbers");
    expect(maskedAttention([], [], [], 2)).toEqual([]);
  });
});

describe("maskedLogits against gpt's loop over a cache", () => {
  const cases: [string, Partial<Config>, PresetName][] = [
    ["defaults", {}, "final"],
    ["two layers, two heads", { n_layer: 2, n_head: 2 }, "final"],
    ["one head", { n_head: 1 }, "final"],
    ["sixteen heads", { n_head: 16 }, "final"],
    ["no layers", { n_layer: 0 }, "final"],
    ["the first version", {}, "original"],
  ];
  const docs = ["christopher", "emma", "bartholomewjonesmith", "x"];

  for (const [label, overrides, preset] of cases)
    it(`gives the same logits and gradients: ${label}`, () => {
      const config = makeConfig(overrides, preset);
      const model = createModel(config, tok.vocabSize, createRandom(11));
      for (const doc of docs) {
        const [input, next] = positions(doc, config);
        const looped = copyModel(model);
        const cache = emptyCache(config);
        const loopRows = input.map((id, pos) =>
          gpt(looped, id, pos, cache.keys, cache.values),
        );
        const masked = copyModel(model);
        const maskRows = maskedLogits(masked, input);
        expect(maskRows.map((r) => r.map((x) => x.data))).toEqual(
          loopRows.map((r) => r.map((x) => x.data)),
        );
        backward(meanLoss(loopRows, next));
        backward(meanLoss(maskRows, next));
        // the largest difference, relative to the larger of the two gradients
        let worst = 0;
        looped.params.forEach((p, i) => {
          const g = masked.params[i].grad;
          const diff = Math.abs(p.grad - g);
          if (diff !== 0)
            worst = Math.max(
              worst,
              diff / Math.max(Math.abs(p.grad), Math.abs(g)),
            );
        });
        expect(worst).toBeLessThanOrEqual(1e-12);
        expect(looped.params.some((p) => p.grad !== 0)).toBe(true);
      }
    });

  it("lets no later token change an earlier row", () => {
    const config = makeConfig({ n_layer: 2 });
    const model = createModel(config, tok.vocabSize, createRandom(2));
    const [input] = positions("annabelle", config);
    const full = maskedLogits(model, input).map((r) => r.map((x) => x.data));
    input.forEach((_, t) => {
      const changed = [
        ...input.slice(0, t + 1),
        ...input.slice(t + 1).reverse(),
      ];
      const rows = maskedLogits(model, changed).map((r) =>
        r.map((x) => x.data),
      );
      expect(rows.slice(0, t + 1)).toEqual(full.slice(0, t + 1));
    });
  });

  it("refuses too many tokens and tokens outside the vocabulary", () => {
    const config = makeConfig({ block_size: 4 });
    const model = createModel(config, tok.vocabSize, createRandom(1));
    expect(() => maskedLogits(model, [0, 1, 2, 3, 4])).toThrow(
      "maskedLogits: 5 tokens, more than the block_size of 4",
    );
    expect(() => maskedLogits(model, [0, tok.vocabSize])).toThrow(
      `token ${tok.vocabSize} is outside the vocabulary of ${tok.vocabSize}`,
    );
  });
});
