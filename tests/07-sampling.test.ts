// Chapter 07: sampling, and the whole default run against the reference (all 1000 losses, 20 samples).
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  Value,
  buildTokenizer,
  createModel,
  createRandom,
  defaultConfig,
  defaultCorpus,
  makeConfig,
  prepareRun,
  sampleMany,
  sampleOne,
  temperatureProbs,
  tokenText,
  train,
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
    const logits = [new Value(2), new Value(1), new Value(0)];
    const p = temperatureProbs(logits, 0.5);
    const e = [Math.exp(0), Math.exp(-2), Math.exp(-4)];
    const total = 0 + e[0] + e[1] + e[2];
    p.forEach((pi, i) => expect(pi).toBe(e[i] * (1 / total)));
  });

  it("sharpens below 1 and flattens above 1", () => {
    const logits = [new Value(2), new Value(1), new Value(0)];
    const top = (t: number): number => temperatureProbs(logits, t)[0];
    expect(top(0.5)).toBeGreaterThan(top(1));
    expect(top(1)).toBeGreaterThan(top(2));
  });
});

describe("sampling", () => {
  it("stops at the end token or after block_size tokens", () => {
    const config = makeConfig({ block_size: 5 });
    const tok = buildTokenizer(["abc"]);
    const model = createModel(config, tok.vocabSize, createRandom(1));
    const names = sampleMany(model, tok, createRandom(2), 30, 1.3);
    expect(
      names.every((n) => Array.from(n).length <= 5 && /^[abc]*$/.test(n)),
    ).toBe(true);
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
    const names = sampleMany(run.model, run.tok, run.rng, 10, 1.3);
    const allowed = new Set(run.tok.chars);
    for (const n of names)
      for (const ch of Array.from(n)) expect(allowed.has(ch)).toBe(true);
  });

  it("is reproducible: the same generator state gives the same names", () => {
    const config = makeConfig({ num_steps: 3 });
    const run = prepareRun(defaultCorpus(), config);
    train(run);
    const a = sampleOne(run.model, run.tok, createRandom(5), 0.8);
    const b = sampleOne(run.model, run.tok, createRandom(5), 0.8);
    expect(a).toBe(b);
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
        run.model,
        run.tok,
        run.rng,
        defaultConfig.num_samples,
        defaultConfig.temperature,
      ),
    ).toEqual(reference.samples);
  }, 900_000);
});
