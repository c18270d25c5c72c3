// Chapter 02: lib/random against CPython's own `random` (fixtures written by
// scripts/make-random-fixtures.py). A JSON number gives back the exact double Python printed,
// so everything built from integers is compared exactly; gauss goes through Math.log/cos/sin,
// which may differ from the C library in the last bit, so it gets a relative 1e-15.
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { createRandom } from "microgpt";

function fixture<T>(name: string): T {
  return JSON.parse(
    fs.readFileSync(path.join(__dirname, "fixtures", "random", name), "utf8"),
  ) as T;
}

describe("random() equals CPython's stream", () => {
  const streams = fixture<Record<string, number[]>>("random.json");
  for (const [seed, expected] of Object.entries(streams)) {
    it(`seed ${seed}: the first ${expected.length} values, exactly`, () => {
      const rng = createRandom(Number(seed));
      const got = expected.map(() => rng.random());
      expect(got).toEqual(expected);
    });
  }

  it("covers one-word and two-word seeds", () => {
    expect(Object.keys(streams).map(Number)).toEqual(
      expect.arrayContaining([0, 42, 2 ** 32 + 5, 2 ** 53 - 1]),
    );
  });

  it("seed(n) restarts the stream and equals a fresh generator", () => {
    const rng = createRandom(42);
    for (let i = 0; i < 5000; i++) rng.random();
    rng.seed(2 ** 32 + 5);
    expect(Array.from({ length: 100 }, () => rng.random())).toEqual(
      streams[String(2 ** 32 + 5)].slice(0, 100),
    );
  });

  it("a negative seed gives the stream of its absolute value, as in CPython", () => {
    const a = createRandom(-42);
    expect(Array.from({ length: 10 }, () => a.random())).toEqual(
      streams["42"].slice(0, 10),
    );
  });

  it("the default seed is 0", () => {
    const rng = createRandom();
    expect(rng.random()).toBe(streams["0"][0]);
  });
});

describe("gauss(0, 0.08), seed 42", () => {
  const g = fixture<{
    seed: number;
    mu: number;
    sigma: number;
    values: number[];
  }>("gauss.json");

  it(`the first ${g.values.length} values within a relative 1e-15`, () => {
    const rng = createRandom(g.seed);
    let worst = 0;
    let bitExact = 0;
    for (const want of g.values) {
      const got = rng.gauss(g.mu, g.sigma);
      worst = Math.max(worst, Math.abs(got - want) / Math.abs(want));
      if (got === want) bitExact++;
    }
    expect(worst).toBeLessThan(1e-15);
    // Most values are bit-identical; only the last bit of some transcendental results differs.
    expect(bitExact).toBeGreaterThan(0.9 * g.values.length);
  });

  it("keeps the second value of a pair, and seed() forgets it", () => {
    const rng = createRandom(42);
    rng.gauss(0, 1); // computes a pair and keeps the second
    const stateAfterPair = rng.next32();
    const again = createRandom(42);
    again.random();
    again.random(); // a pair costs exactly two random() calls
    expect(again.next32()).toBe(stateAfterPair);

    const a = createRandom(42);
    a.gauss(0, 1);
    a.seed(42); // must drop the kept value
    const b = createRandom(42);
    expect(a.gauss(0, 1)).toBe(b.gauss(0, 1));
  });
});

describe("shuffle", () => {
  const s = fixture<{ seed: number; perms: number[][] }>("shuffle.json");

  it("lists of length 1 to 1000, one generator in sequence, exactly", () => {
    const rng = createRandom(s.seed);
    s.perms.forEach((want, i) => {
      const x = Array.from({ length: i + 1 }, (_, j) => j);
      rng.shuffle(x);
      expect(x).toEqual(want);
    });
    expect(s.perms.length).toBe(1000);
  });

  it("leaves an empty list alone and draws nothing for it", () => {
    const a = createRandom(1);
    const empty: number[] = [];
    a.shuffle(empty);
    a.shuffle(["only"]);
    expect(empty).toEqual([]);
    expect(a.next32()).toBe(createRandom(1).next32());
  });
});

describe("choices", () => {
  const c = fixture<{
    seed: number;
    cases: { weights: number[]; k: number; indices: number[] }[];
  }>("choices.json");

  it("10,000 weighted draws over varied populations, exactly", () => {
    const rng = createRandom(c.seed);
    let draws = 0;
    for (const { weights, k, indices } of c.cases) {
      const population = weights.map((_, i) => i);
      expect(rng.choices(population, weights, k)).toEqual(indices);
      draws += k;
    }
    expect(draws).toBe(10_000);
  });

  it("draws one item by default and returns population items, not indices", () => {
    const rng = createRandom(3);
    const got = rng.choices(["a", "b", "c"], [0, 1, 0]);
    expect(got).toEqual(["b"]);
  });
});

describe("getrandbits and randbelow", () => {
  const ints = fixture<{
    seed: number;
    getrandbits: [number, number][];
    randbelow: [number, number][];
  }>("integers.json");

  it("getrandbits(k) for k = 0..53 and randbelow(n) up to 2^53, one generator, exactly", () => {
    const rng = createRandom(ints.seed);
    expect(ints.getrandbits.map(([k]) => [k, rng.getrandbits(k)])).toEqual(
      ints.getrandbits,
    );
    expect(ints.randbelow.map(([n]) => [n, rng.randbelow(n)])).toEqual(
      ints.randbelow,
    );
  });

  it("next32 of seed 42 starts as CPython's getrandbits(32)", () => {
    expect(createRandom(42).next32()).toBe(2746317213);
  });
});

describe("bad input", () => {
  it("rejects seeds that are not integers or too large", () => {
    for (const bad of [
      0.5,
      NaN,
      Infinity,
      -Infinity,
      2 ** 53 + 2,
      -(2 ** 60),
    ]) {
      expect(() => createRandom(bad), String(bad)).toThrow(RangeError);
      expect(() => createRandom(0).seed(bad), String(bad)).toThrow(/seed/);
    }
  });

  it("accepts every integer up to 2^53 in size", () => {
    expect(() => createRandom(2 ** 53)).not.toThrow();
    expect(() => createRandom(-(2 ** 53))).not.toThrow();
  });

  it("rejects bad bit counts and bounds", () => {
    const rng = createRandom(0);
    for (const k of [-1, 54, 1.5, NaN])
      expect(() => rng.getrandbits(k)).toThrow(RangeError);
    for (const n of [0, -3, 2.5, NaN, 2 ** 53 + 2])
      expect(() => rng.randbelow(n)).toThrow(RangeError);
  });

  it("rejects weights that do not fit the population or cannot be drawn from", () => {
    const rng = createRandom(0);
    expect(() => rng.choices([1, 2], [1])).toThrow(/weights/);
    expect(() => rng.choices([], [])).toThrow(/empty/);
    expect(() => rng.choices([1, 2], [0, 0])).toThrow(/positive/);
    expect(() => rng.choices([1, 2], [1, Infinity])).toThrow(/finite/);
    expect(() => rng.choices([1, 2], [1, NaN])).toThrow(RangeError);
    expect(() => rng.choices([1, 2], [1, 1], -1)).toThrow(RangeError);
  });
});
