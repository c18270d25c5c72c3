// Chapter 07: sampling, and the whole default run against the reference (all 1000 losses, 20 samples).
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  InputError,
  Value,
  buildTokenizer,
  createModel,
  createRandom,
  defaultConfig,
  defaultCorpus,
  makeConfig,
  prepareRun,
  fastEngine,
  sampleMany,
  softmax,
  temperatureProbs,
  tokenText,
  train,
  valueEngine,
} from "microgpt";

const reference = JSON.parse(
  fs.readFileSync(
    path.join(__dirname, "fixtures", "reference-default-seed42.json"),
    "utf8",
  ),
) as {
  losses: number[];
  losses_4dp: string[];
  samples: string[];
};

describe("temperature", () => {
  it("divides the logits (as a product with 1/T) before the softmax", () => {
    const p = temperatureProbs([2, 1, 0], 0.5);
    const e = [Math.exp(0), Math.exp(-2), Math.exp(-4)];
    const total = 0 + e[0] + e[1] + e[2];
    p.forEach((pi, i) => expect(pi).toBe(e[i] * (1 / total)));
  });

  it("sharpens below 1 and flattens above 1", () => {
    const top = (t: number): number => temperatureProbs([2, 1, 0], t)[0];
    expect(top(0.5)).toBeGreaterThan(top(1));
    expect(top(1)).toBeGreaterThan(top(2));
  });
});

describe("temperature, bit for bit", () => {
  it("equals chapter 5's softmax of logits.mul(1 / T) on Values (property)", () => {
    const logit = fc.double({ min: -30, max: 30, noNaN: true });
    fc.assert(
      fc.property(
        fc.array(logit, { minLength: 1, maxLength: 40 }),
        fc.double({ min: 0.05, max: 5, noNaN: true }),
        (logits, t) => {
          const inv = 1 / t;
          const want = softmax(logits.map((l) => new Value(l).mul(inv))).map(
            (p) => p.data,
          );
          expect(temperatureProbs(logits, t)).toEqual(want);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("sampling", () => {
  it("stops at the end token or after block_size tokens", () => {
    const config = makeConfig({ block_size: 5 });
    const tok = buildTokenizer(["abc"]);
    const model = createModel(config, tok.vocabSize, createRandom(1));
    const names = sampleMany(valueEngine(model), tok, createRandom(2), 30, 1.3);
    expect(
      names.every((n) => Array.from(n).length <= 5 && /^[abc]*$/.test(n)),
    ).toBe(true);
  });

  it("refuses with one InputError line when the probabilities are not numbers", () => {
    const config = makeConfig({ block_size: 5 });
    const tok = buildTokenizer(["abc"]);
    for (const w of [1e308, NaN]) {
      const model = createModel(config, tok.vocabSize, createRandom(1));
      // an output matrix of 1e308 makes logits beyond the largest double
      for (const row of model.lm_head) for (const p of row) p.data = w;
      expect(() =>
        sampleMany(valueEngine(model), tok, createRandom(2), 1, 1),
      ).toThrow(
        new InputError(
          "cannot sample: the probabilities at position 0 are not numbers " +
            "(the model's logits are too large, or not numbers)",
        ),
      );
    }
  });

  it("writes a BOS drawn mid-sample as <BOS> when BOS and EOS differ", () => {
    const tok = buildTokenizer(["ab"], "bos-eos");
    expect(tokenText(tok, tok.bos)).toBe("<BOS>");
    expect(tokenText(tok, 2)).toBe("a");
  });

  it("decodes multi-byte and astral characters", () => {
    const docs = ["zoë", "😀a", "東京"];
    const config = makeConfig({ num_steps: 5, temperature: 1.3 });
    const run = prepareRun(docs, config);
    train(run);
    const names = sampleMany(valueEngine(run.model), run.tok, run.rng, 10, 1.3);
    const allowed = new Set(run.tok.chars);
    for (const n of names)
      for (const ch of Array.from(n)) expect(allowed.has(ch)).toBe(true);
  });

  // Pinned from the samplers before both engines shared this one (Value engine and fast engine
  // gave these same strings): a change in any bit of the probabilities would change some draw.
  it("draws the names the earlier samplers drew, in both engines", () => {
    const run = prepareRun(defaultCorpus(), makeConfig({ num_steps: 30 }));
    train(run);
    const want = ["oor", "pyan", "otanlonalh", "pese", "baufg", "te"];
    for (const engine of [valueEngine(run.model), fastEngine(run.model)])
      expect(sampleMany(engine, run.tok, createRandom(5), 6, 0.8)).toEqual(
        want,
      );
    const orig = prepareRun(
      defaultCorpus(),
      makeConfig({ num_steps: 20 }, "original"),
    );
    train(orig);
    expect(
      sampleMany(valueEngine(orig.model), orig.tok, createRandom(3), 5, 1.3),
    ).toEqual(["emiop", "<BOS>vfezlvl", "pcpwmsq", "sog<BOS>vkrw", "rxjujywa"]);
  });
});

describe("the full default run", () => {
  it("equals the reference: every loss within a relative 1e-12, all 20 samples identical", () => {
    const run = prepareRun(defaultCorpus(), defaultConfig);
    const losses = train(run);
    expect(losses).toHaveLength(1000);
    const worst = Math.max(
      ...losses.map(
        (l, i) => Math.abs(l - reference.losses[i]) / reference.losses[i],
      ),
    );
    expect(worst).toBeLessThan(1e-12);
    // The human output rounds to 4 decimals: those lines are identical too.
    expect(losses.map((l) => l.toFixed(4))).toEqual(reference.losses_4dp);
    expect(
      sampleMany(
        valueEngine(run.model),
        run.tok,
        run.rng,
        defaultConfig.num_samples,
        defaultConfig.temperature,
      ),
    ).toEqual(reference.samples);
  }, 900_000);
});
