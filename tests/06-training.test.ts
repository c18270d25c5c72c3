// Chapter 06: the loss, Adam and the loop, against the reference's figures.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  TrainingDiverged,
  adamStep,
  createAdam,
  defaultConfig,
  defaultCorpus,
  fastEngine,
  flatParameters,
  lossAndGrads,
  makeConfig,
  meanLossGraph,
  parameterLayout,
  prepareRun,
  sampleMany,
  startTraining,
  train,
  trainStep,
  trainingTokens,
  valueEngine,
  type Config,
  type Engine,
  type Run,
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
    const loss = meanLossGraph(
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
    const loss = meanLossGraph(
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
    const p = Float64Array.of(0.5);
    const grad = new Float64Array(1);
    const state = createAdam(1);
    const grads = [0.3, -0.2, 0.05];
    let m = 0;
    let v = 0;
    let data = 0.5;
    grads.forEach((g, s) => {
      grad[0] = g;
      adamStep(p, grad, state, s, config);
      m = 0.85 * m + (1 - 0.85) * g;
      v = 0.99 * v + (1 - 0.99) * g * g;
      const mh = m / (1 - 0.85 ** (s + 1));
      const vh = v / (1 - 0.99 ** (s + 1));
      data -= (0.01 * (1 - s / 10) * mh) / (Math.sqrt(vh) + 1e-8);
      expect(p[0]).toBe(data);
      expect(grad[0]).toBe(0);
    });
  });
});

describe("training", () => {
  it("reproduces the reference's first 100 losses within a relative 1e-12", () => {
    const run = prepareRun(defaultCorpus(), defaultConfig);
    const losses = train(run, (step) => step < 100);
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
        valueEngine(run.model),
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

  // Each row: the setting, the step that fails, what the message names, the hint.
  const divergences: [Partial<Config>, number, RegExp, string][] = [
    [{ init_std: 1e100 }, 1, /the loss is Infinity/, "init_std"],
    [
      { init_std: 1e300 },
      1,
      /wte\[0\]\[0\] is -9\.8\d*e\+299 after the update, too large to square/,
      "init_std",
    ],
    [
      { learning_rate: 1e308 },
      1,
      /wte\[\d+\]\[0\] is 9\.9+\d*e\+307 after the update, too large to square/,
      "learning_rate",
    ],
    [{ learning_rate: 1e5 }, 2, /the loss is Infinity/, "learning_rate"],
  ];
  for (const [overrides, step, what, hint] of divergences) {
    it(`names the step, the number and the setting: ${JSON.stringify(overrides)}`, () => {
      for (const kind of ["value", "fast"] as const) {
        const run = prepareRun(
          defaultCorpus(),
          makeConfig({ ...overrides, num_steps: 5 }),
        );
        const t = startTraining(
          run,
          kind === "fast" ? fastEngine(run.model) : undefined,
        );
        let error: unknown;
        try {
          while (t.step < 5) trainStep(t);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(TrainingDiverged);
        const e = error as TrainingDiverged;
        expect(e.message).toMatch(
          new RegExp(`^training diverged at step ${step}: `),
        );
        expect(e.message).toMatch(what);
        expect(e.message).toMatch(new RegExp(`: try a smaller ${hint}$`));
        expect(e.fields).toEqual([hint]);
        expect(t.step).toBe(step - 1); // the failed step does not count
      }
    });
  }

  it("names a gradient too large to square (Adam's v overflows)", () => {
    const run = prepareRun(defaultCorpus(), makeConfig({ num_steps: 5 }));
    const engine = valueEngine(run.model);
    const t = startTraining(run, {
      ...engine,
      lossAndGrads(tokens) {
        const loss = engine.lossAndGrads(tokens);
        if (t.step === 2) engine.grad[16 * 27 + 3] = 1e160; // wpe[0][3]
        return loss;
      },
    });
    trainStep(t);
    trainStep(t);
    expect(() => trainStep(t)).toThrow(
      "training diverged at step 3: the gradient of wpe[0][3] overflowed " +
        "(Adam's v is Infinity): try a smaller learning_rate",
    );
  });

  it("adamStep reports a weight whose square overflows, and a v that does", () => {
    const config = makeConfig({ num_steps: 10 });
    const grad = new Float64Array(3);
    const fine = Float64Array.of(1, -2, 1e150);
    expect(adamStep(fine, grad, createAdam(3), 0, config)).toBe(true);
    for (const [w, g] of [
      [1e155, 0],
      [Infinity, 0],
      [NaN, 0],
      [1, 1e160], // g * g overflows: v is Infinity, the weight stays finite
    ]) {
      const data = Float64Array.of(1, w, 2);
      grad[1] = g;
      expect(adamStep(data, grad, createAdam(3), 0, config)).toBe(false);
    }
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

describe("engines", () => {
  it("lay out flat buffers in parameterLayout's order, each matrix a view", () => {
    const config = makeConfig({ n_layer: 2, tie_weights: true });
    const { data, grad, tensors } = flatParameters(config, 11);
    expect(tensors.map((t) => [t.name, t.rows, t.cols])).toEqual(
      parameterLayout(config, 11),
    );
    let offset = 0;
    for (const t of tensors) {
      expect(t.data.buffer).toBe(data.buffer);
      expect(t.grad.buffer).toBe(grad.buffer);
      expect(t.data.byteOffset).toBe(offset * 8);
      offset += t.rows * t.cols;
    }
    expect(offset).toBe(data.length);
  });

  it("the Value engine's gradients are lossAndGrads', in the flat buffer", () => {
    const a = prepareRun(defaultCorpus(), defaultConfig);
    const b = prepareRun(defaultCorpus(), defaultConfig);
    const tokens = trainingTokens(a.tok, a.docs[3], defaultConfig);
    const engine = valueEngine(a.model);
    expect(engine.lossAndGrads(tokens)).toBe(lossAndGrads(b.model, tokens));
    expect(Array.from(engine.grad)).toEqual(b.model.params.map((p) => p.grad));
    expect(a.model.params.every((p) => p.grad === 0)).toBe(true);
  });
});

describe("the training loop", () => {
  const config = makeConfig({ num_steps: 12, n_layer: 2 });
  const docs = defaultCorpus().slice(0, 200);

  /** The losses, the weights after training, and 3 samples, for one engine. */
  function runWith(make: (run: Run) => Engine): {
    losses: number[];
    weights: number[];
    samples: string[];
  } {
    const run = prepareRun(docs, config);
    const engine = make(run);
    const losses = train(run, undefined, engine);
    return {
      losses,
      weights: run.model.params.map((p) => p.data),
      samples: sampleMany(engine, run.tok, run.rng, 3, 0.7),
    };
  }

  it("runs both engines: the same losses (1e-12), weights written back, the same samples", () => {
    const slow = runWith((run) => valueEngine(run.model));
    const fast = runWith((run) => fastEngine(run.model));
    const untrained = prepareRun(docs, config).model.params.map((p) => p.data);
    for (const r of [slow, fast]) {
      expect(r.losses).toHaveLength(12);
      expect(r.weights).not.toEqual(untrained);
    }
    slow.losses.forEach((l, i) =>
      expect(Math.abs(l - fast.losses[i]) / l).toBeLessThan(1e-12),
    );
    slow.weights.forEach((w, i) =>
      expect(Math.abs(w - fast.weights[i])).toBeLessThan(1e-12),
    );
    expect(fast.samples).toEqual(slow.samples);
  });

  it("stops after any step when the listener returns false, without throwing", () => {
    const full = prepareRun(docs, config);
    const all = train(full);
    for (const stopAt of [1, 5, 12]) {
      const run = prepareRun(docs, config);
      const seen: number[] = [];
      const losses = train(run, (step) => {
        seen.push(step);
        return step !== stopAt;
      });
      expect(seen).toEqual(Array.from({ length: stopAt }, (_, i) => i + 1));
      expect(losses).toEqual(all.slice(0, stopAt));
    }
  });

  it("is trainStep repeated: the same losses and weights, step by step", () => {
    const whole = prepareRun(docs, config);
    const wholeLosses = train(whole);
    const run = prepareRun(docs, config);
    const t = startTraining(run);
    const losses: number[] = [];
    while (t.step < config.num_steps) losses.push(trainStep(t));
    expect(losses).toEqual(wholeLosses);
    expect(Array.from(t.engine.data)).toEqual(
      whole.model.params.map((p) => p.data),
    );
    expect(() => trainStep(t)).toThrow(RangeError);
  });
});
