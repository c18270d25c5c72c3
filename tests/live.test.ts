// The live page's pure parts: the chart's ticks and the bigram reference line (the browser
// tests, tests/browser/live.browser.ts, drive the page itself).
import { describe, expect, it } from "vitest";
import { buildTokenizer, makeConfig } from "microgpt";
import { niceTicks } from "../scripts/live/chart";
import { bigramLoss } from "../scripts/live/reference";

describe("the loss chart's ticks", () => {
  it("are round numbers from 0", () => {
    expect(niceTicks(1000, 5, 1)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(niceTicks(30, 5, 1)).toEqual([0, 10, 20, 30]);
    expect(niceTicks(2.5, 5)).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
  });
  it("never stack: one step gives the ticks 0 and 1", () => {
    expect(niceTicks(1, 5, 1)).toEqual([0, 1]);
  });
});

describe("the bigram reference loss", () => {
  it("is the loss of the letter-pair table, averaged as training averages", () => {
    // "ab" is BOS a b BOS: pairs (BOS,a) (a,b) (b,BOS); "b" is (BOS,b) (b,BOS). After BOS,
    // a and b are equally likely; everything else is certain. Losses: ln 2 / 3 and ln 2 / 2.
    const docs = ["ab", "b"];
    const tok = buildTokenizer(docs);
    const loss = bigramLoss(docs, tok, makeConfig());
    expect(loss).toBeCloseTo((Math.LN2 / 3 + Math.LN2 / 2) / 2, 15);
  });
  it("counts only the positions training sees (block_size)", () => {
    const docs = ["abab"];
    const tok = buildTokenizer(docs);
    // With block_size 1 only (BOS, a) is trained on, and it is certain.
    expect(bigramLoss(docs, tok, makeConfig({ block_size: 1 }))).toBe(0);
    expect(bigramLoss(docs, tok, makeConfig())).toBeGreaterThan(0);
  });
});
