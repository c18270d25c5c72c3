// Chapter 06: the loss, Adam and the loop, against the reference's figures.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  TrainingDiverged,
  Value,
  adamStep,
  createAdam,
  defaultConfig,
  defaultCorpus,
  docLoss,
  makeConfig,
  prepareRun,
  sampleMany,
  train,
  trainingTokens,
} from "microgpt";

interface Figures {
  docs: number;
  vocab_size: number;
  params: number;
  losses: number[];
  samples: string[];
}

function fixture(name: string): Figures {
  return JSON.parse(
    fs.readFileSync(path.join(__dirname, "fixtures", name), "utf8"),
  ) as Figures;
}

/** The largest relative difference between two lists of losses. */
function worstRelative(
  got: readonly number[],
  want: readonly number[],
): number {
  expect(got.length).toBe(want.length);
  return Math.max(
    ...got.map((g, i) => Math.abs(g - want[i]) / Math.abs(want[i])),
  );
}

const reference = fixture("reference-default-seed42.json");

describe("a run's setup", () => {
  it("finds the reference's document count, vocabulary and parameter count", () => {
    const run = prepareRun(defaultCorpus(), defaultConfig);
    expect([
      run.docs.length,
      run.tok.vocabSize,
      run.model.params.length,
    ]).toEqual([reference.docs, reference.vocab_size, reference.params]);
  });

  it("does not reorder the caller's documents", () => {
    const docs = defaultCorpus();
    const copy = [...docs];
    prepareRun(docs, defaultConfig);
    expect(docs).toEqual(copy);
  });
});

describe("the loss", () => {
  it("of the first document, untrained, is the reference's step-1 loss", () => {
    const run = prepareRun(defaultCorpus(), defaultConfig);
    const loss = docLoss(
      run.model,
      trainingTokens(run.tok, run.docs[0], defaultConfig),
    ).data;
    expect(
      Math.abs(loss - reference.losses[0]) / reference.losses[0],
    ).toBeLessThan(1e-12);
  });

  it("covers at most block_size positions", () => {
    const config = makeConfig({ block_size: 4 });
    const run = prepareRun(["abcdefgh"], config);
    const loss = docLoss(
      run.model,
      trainingTokens(run.tok, "abcdefgh", config),
    );
    // mul(sum, 1/n): the constant is the second child.
    expect(loss.children[1].data).toBe(1 / 4);
  });

  it("crops the encoded document in the first version", () => {
    const config = makeConfig({}, "original");
    const run = prepareRun(["abcdefghijk"], config);
    expect(trainingTokens(run.tok, "abcdefghijk", config)).toHaveLength(8);
    expect(trainingTokens(run.tok, "ab", config)).toEqual([0, 2, 3, 1]);
  });
});

describe("Adam", () => {
  it("follows the reference's update with bias correction and linear decay", () => {
    const config = makeConfig({ num_steps: 10 });
    const p = new Value(0.5);
    const state = createAdam(1);
    const grads = [0.3, -0.2, 0.05];
    let m = 0;
    let v = 0;
    let data = 0.5;
    grads.forEach((g, s) => {
      p.grad = g;
      adamStep([p], state, s, config);
      m = 0.85 * m + (1 - 0.85) * g;
      v = 0.99 * v + (1 - 0.99) * g * g;
      const mh = m / (1 - 0.85 ** (s + 1));
      const vh = v / (1 - 0.99 ** (s + 1));
      data -= (0.01 * (1 - s / 10) * mh) / (Math.sqrt(vh) + 1e-8);
      expect(p.data).toBe(data);
      expect(p.grad).toBe(0);
    });
  });
});

describe("training", () => {
  it("reproduces the reference's first 100 losses within a relative 1e-12", () => {
    const run = prepareRun(defaultCorpus(), defaultConfig);
    const losses: number[] = [];
    try {
      train(run, (step, loss) => {
        losses.push(loss);
        if (step === 100) throw new Error("enough");
      });
    } catch (e) {
      if ((e as Error).message !== "enough") throw e;
    }
    expect(worstRelative(losses, reference.losses.slice(0, 100))).toBeLessThan(
      1e-12,
    );
  });

  it("reproduces our verified run of the original preset (regression fixture)", () => {
    // The original preset matches CPython's trace on names.txt (within 1e-6, the preset's own
    // run-to-run spread); names.txt is not in the repository, so this fixture is our own run
    // of the same code on the default corpus, recorded after that check.
    const want = fixture("original-preset-default-200.json");
    const config = makeConfig({ num_steps: 200 }, "original");
    const run = prepareRun(defaultCorpus(), config);
    expect([
      run.docs.length,
      run.tok.vocabSize,
      run.model.params.length,
    ]).toEqual([want.docs, want.vocab_size, want.params]);
    expect(worstRelative(train(run), want.losses)).toBeLessThan(1e-9);
    expect(
      sampleMany(
        run.model,
        run.tok,
        run.rng,
        config.num_samples,
        config.temperature,
      ),
    ).toEqual(want.samples);
  });

  it("stops with TrainingDiverged when the loss is no longer finite", () => {
    const run = prepareRun(
      defaultCorpus(),
      makeConfig({ learning_rate: 1e300, num_steps: 20 }),
    );
    expect(() => train(run)).toThrow(TrainingDiverged);
  });

  it("trains other shapes and data without trouble", () => {
    const docs = ["zoë", "ångström", "😀ab", "naïve", "東京"];
    for (const overrides of [
      { n_layer: 2, n_embd: 8, n_head: 2, block_size: 4, num_steps: 10 },
      { n_embd: 32, n_head: 8, block_size: 32, num_steps: 10, seed: 7 },
      { n_head: 1, num_steps: 10, backward_mode: "per-position" as const },
    ]) {
      const config = makeConfig(overrides);
      const run = prepareRun(docs, config);
      const losses = train(run);
      expect(losses.every(Number.isFinite)).toBe(true);
    }
  });
});
