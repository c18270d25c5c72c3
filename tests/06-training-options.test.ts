// Chapter 06's options for experiments: held-out documents, evaluate,
// warm-up and decoupled weight decay; off by default, the same in both engines.
import { describe, expect, it } from "vitest";
import {
  ConfigError,
  adamStep,
  createAdam,
  defaultConfig,
  defaultCorpus,
  evaluate,
  fastEngine,
  learningRate,
  makeConfig,
  prepareRun,
  train,
  trainingTokens,
  valueEngine,
  type Config,
  type Engine,
} from "microgpt";

/** A small model, so that the Value engine runs a few hundred steps quickly. */
const small: Partial<Config> = { n_embd: 8, n_head: 2, num_steps: 60 };

/** 50 documents: 60 steps wrap around, so holding some out changes the run. */
const fifty = defaultCorpus().slice(0, 50);

function losses(overrides: Partial<Config>, kind: "value" | "fast"): number[] {
  const run = prepareRun(fifty, makeConfig({ ...small, ...overrides }));
  const engine =
    kind === "fast" ? fastEngine(run.model) : valueEngine(run.model);
  return train(run, undefined, engine);
}

function worstRelative(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  return Math.max(...a.map((x, i) => Math.abs(x - b[i]) / Math.abs(b[i])));
}

describe("the defaults", () => {
  it("are off: no held-out documents, no warm-up, no weight decay", () => {
    expect([
      defaultConfig.val_docs,
      defaultConfig.eval_every,
      defaultConfig.warmup_steps,
      defaultConfig.weight_decay,
    ]).toEqual([0, 0, 0, 0]);
  });

  it("keep the reference's learning rate at every step, bit for bit", () => {
    const c = makeConfig({});
    for (let s = 0; s < c.num_steps; s++)
      expect(learningRate(s, c)).toBe(c.learning_rate * (1 - s / c.num_steps));
  });

  it("train on every document, holding none out", () => {
    const run = prepareRun(defaultCorpus(), defaultConfig);
    expect([run.docs.length, run.valDocs.length]).toEqual([8403, 0]);
  });
});

describe("held-out documents", () => {
  const docs = defaultCorpus().slice(0, 40);

  it("are the last val_docs of the shuffle; vocabulary and weights unchanged", () => {
    const all = prepareRun(docs, makeConfig({}));
    const split = prepareRun(docs, makeConfig({ val_docs: 7 }));
    expect([...split.docs, ...split.valDocs]).toEqual(all.docs);
    expect(split.valDocs.length).toBe(7);
    expect(split.tok.chars).toEqual(all.tok.chars);
    expect(split.model.params.map((p) => p.data)).toEqual(
      all.model.params.map((p) => p.data),
    );
  });

  it("are never trained on, even when the steps wrap around", () => {
    const run = prepareRun(docs, makeConfig({ val_docs: 7, num_steps: 100 }));
    const inner = fastEngine(run.model);
    const seen = new Set<string>();
    const spy: Engine = {
      ...inner,
      lossAndGrads(tokens) {
        seen.add(tokens.join(","));
        return inner.lossAndGrads(tokens);
      },
    };
    train(run, undefined, spy);
    const key = (d: string): string =>
      trainingTokens(run.tok, d, run.config).join(",");
    expect(seen.size).toBe(new Set(run.docs.map(key)).size);
    for (const d of run.valDocs) expect(seen.has(key(d))).toBe(false);
  });

  it("must leave a document to train on", () => {
    expect(() => prepareRun(docs, makeConfig({ val_docs: 40 }))).toThrow(
      ConfigError,
    );
    try {
      prepareRun(docs, makeConfig({ val_docs: 40 }));
    } catch (e) {
      expect((e as ConfigError).fields).toEqual(["val_docs"]);
    }
    expect(prepareRun(docs, makeConfig({ val_docs: 39 })).docs.length).toBe(1);
  });
});

describe("validation", () => {
  const fieldsOf = (o: Partial<Config>): readonly string[] => {
    try {
      makeConfig(o);
    } catch (e) {
      if (e instanceof ConfigError) return e.fields;
      throw e;
    }
    return [];
  };
  it.each([
    [{ val_docs: -1 }, ["val_docs"]],
    [{ val_docs: 1.5 }, ["val_docs"]],
    [{ eval_every: -1 }, ["eval_every"]],
    [{ eval_every: 10 }, ["eval_every", "val_docs"]],
    [{ warmup_steps: 2.5 }, ["warmup_steps"]],
    [{ weight_decay: -0.1 }, ["weight_decay"]],
    [{ weight_decay: Infinity }, ["weight_decay"]],
  ] as [Partial<Config>, string[]][])("refuses %j", (o, fields) => {
    expect(fieldsOf(o)).toEqual(fields);
  });
  it("accepts eval_every with val_docs", () => {
    expect(fieldsOf({ eval_every: 10, val_docs: 5 })).toEqual([]);
  });
});

describe("evaluate", () => {
  const run = prepareRun(defaultCorpus(), makeConfig({ val_docs: 50 }));
  const tokensOf = (d: string): number[] =>
    trainingTokens(run.tok, d, run.config);

  it("is the mean of each document's loss, the one a training step reports", () => {
    for (const engine of [valueEngine(run.model), fastEngine(run.model)]) {
      const each = run.valDocs.map((d) => {
        const loss = engine.lossAndGrads(tokensOf(d));
        engine.grad.fill(0);
        return loss;
      });
      const mean = each.reduce((a, b) => a + b, 0) / each.length;
      expect(evaluate(engine, run.tok, run.valDocs)).toBe(mean);
    }
  });

  it("runs forward only: the weights and gradients are untouched", () => {
    for (const engine of [valueEngine(run.model), fastEngine(run.model)]) {
      const before = engine.data.slice();
      evaluate(engine, run.tok, run.valDocs);
      expect(engine.grad.every((g) => g === 0)).toBe(true);
      expect(engine.data).toEqual(before);
    }
  });

  it("agrees between the engines (1e-12) and refuses an empty list", () => {
    const v = evaluate(valueEngine(run.model), run.tok, run.valDocs);
    const f = evaluate(fastEngine(run.model), run.tok, run.valDocs);
    expect(Math.abs(v - f) / v).toBeLessThan(1e-12);
    expect(() => evaluate(fastEngine(run.model), run.tok, [])).toThrow(
      /no documents/,
    );
  });

  it("between steps leaves training unchanged", () => {
    const config = makeConfig({ ...small, val_docs: 20 });
    const plain = prepareRun(defaultCorpus(), config);
    const want = train(plain, undefined, fastEngine(plain.model));
    const probed = prepareRun(defaultCorpus(), config);
    const engine = fastEngine(probed.model);
    const got = train(
      probed,
      () => void evaluate(engine, probed.tok, probed.valDocs),
      engine,
    );
    expect(got).toEqual(want);
  });
});

describe("warm-up", () => {
  const c = makeConfig({ num_steps: 100, warmup_steps: 10 });
  it("ramps the rate linearly over warmup_steps, then follows the decay", () => {
    const decayed = (s: number): number => 0.01 * (1 - s / 100);
    expect(learningRate(0, c)).toBeCloseTo(decayed(0) / 10, 15);
    expect(learningRate(4, c)).toBeCloseTo(decayed(4) * 0.5, 15);
    for (let s = 9; s < 100; s++) expect(learningRate(s, c)).toBe(decayed(s));
  });
  it("lowers the first steps' updates", () => {
    const a = losses({}, "fast");
    const b = losses({ warmup_steps: 20 }, "fast");
    expect(b[0]).toBe(a[0]);
    expect(b[1]).not.toBe(a[1]);
  });
});

describe("decoupled weight decay", () => {
  it("subtracts lr * weight_decay * w on top of Adam's step", () => {
    const config = makeConfig({ num_steps: 10, weight_decay: 0.5 });
    const p = Float64Array.of(0.5);
    const grad = new Float64Array(1);
    const state = createAdam(1);
    let [m, v, data] = [0, 0, 0.5];
    [0.3, -0.2, 0.05, 0].forEach((g, s) => {
      grad[0] = g;
      adamStep(p, grad, state, s, config);
      m = 0.85 * m + (1 - 0.85) * g;
      v = 0.99 * v + (1 - 0.99) * g * g;
      const mh = m / (1 - 0.85 ** (s + 1));
      const vh = v / (1 - 0.99 ** (s + 1));
      const lr = 0.01 * (1 - s / 10);
      data -= (lr * mh) / (Math.sqrt(vh) + 1e-8) + lr * 0.5 * data;
      expect(p[0]).toBeCloseTo(data, 15);
    });
  });
  it("shrinks the weights", () => {
    const norm = (o: Partial<Config>): number => {
      const run = prepareRun(
        defaultCorpus(),
        makeConfig({ ...small, num_steps: 200, ...o }),
      );
      const engine = fastEngine(run.model);
      train(run, undefined, engine);
      return Math.hypot(...engine.data);
    };
    expect(norm({ weight_decay: 1 })).toBeLessThan(norm({}));
  });
});

describe("both engines agree (1e-9 per step)", () => {
  const options: [string, Partial<Config>][] = [
    ["val_docs", { val_docs: 20 }],
    ["warmup_steps", { warmup_steps: 15 }],
    ["weight_decay", { weight_decay: 0.5 }],
    [
      "all together",
      { val_docs: 20, warmup_steps: 15, weight_decay: 0.5, eval_every: 10 },
    ],
  ];
  const plain = losses({}, "fast");
  it.each(options)("with %s", (_name, o) => {
    const f = losses(o, "fast");
    expect(worstRelative(losses(o, "value"), f)).toBeLessThan(1e-9);
    expect(f).not.toEqual(plain); // the option changes the run
  });
});
