// Chapter 02: lib/random against CPython's own `random` (fixtures written by
// scripts/make-random-fixtures.py). A JSON number gives back the exact double Python printed,
// so everything built from integers is compared exactly; gauss goes through Math.log/cos/sin,
// which may differ from the C library in the last bit, so it gets a relative 1e-15.
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  InputError,
  createRandom,
  parseSeed,
  type GeneratorState,
} from "microgpt";

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

interface PythonState {
  version: 3;
  internal: number[];
  gauss_next: number | null;
}

const asOurs = (p: PythonState): GeneratorState => ({
  version: p.version,
  internal: p.internal,
  gaussNext: p.gauss_next,
});

/** gauss goes through Math.sin/cos/log: the last bit may differ from glibc's. */
function closeTo(got: number | null, want: number | null): boolean {
  if (got === null || want === null) return got === want;
  return Math.abs(got - want) <= 1e-15 * Math.abs(want);
}

describe("getState / setState against CPython's getstate()", () => {
  const st = fixture<{
    seeded: (PythonState & { seed: string; random: number[] })[];
    along_seed: number;
    along: (PythonState & { after: [string, number]; next: number[] })[];
  }>("state.json");

  for (const p of st.seeded) {
    const name =
      p.seed.length > 40
        ? `${p.seed.slice(0, 12)}... (${p.seed.length} digits)`
        : p.seed;
    it(`seed ${name}: all 624 words after seeding, then random()`, () => {
      const rng = createRandom(parseSeed(p.seed));
      expect(rng.getState()).toEqual(asOurs(p));
      expect(p.random.map(() => rng.random())).toEqual(p.random);
    });
  }

  it("covers seeds of 2^53 and beyond, negative ones, and a key longer than the table", () => {
    const seeds = st.seeded.map((p) => BigInt(p.seed));
    for (const s of [2n ** 53n, 2n ** 64n + 1n, 10n ** 30n, -(10n ** 30n)])
      expect(seeds).toContain(s);
    expect(seeds.some((s) => s > 2n ** (32n * 624n))).toBe(true);
  });

  it("states along one stream, with and without a kept gauss value", () => {
    const rng = createRandom(st.along_seed);
    let kept = 0;
    for (const p of st.along) {
      const [what, count] = p.after;
      for (let i = 0; i < count; i++)
        if (what === "gauss") rng.gauss(0, 1);
        else rng.random();
      const got = rng.getState();
      expect(got.version).toBe(3);
      expect(got.internal).toEqual(p.internal);
      expect(closeTo(got.gaussNext, p.gauss_next), `${what} ${count}`).toBe(
        true,
      );
      if (p.gauss_next !== null) kept++;
    }
    expect(kept).toBeGreaterThan(0);
  });

  it("setState with Python's own state continues Python's stream", () => {
    for (const p of st.along) {
      const rng = createRandom(1);
      rng.setState(asOurs(p));
      const [g, r1, r2] = p.next;
      expect(closeTo(rng.gauss(0, 1), g)).toBe(true);
      expect([rng.random(), rng.random()]).toEqual([r1, r2]);
    }
  });

  it("getState is a copy, and a restored generator repeats the stream", () => {
    const rng = createRandom(42);
    rng.gauss(0, 1);
    const saved = rng.getState();
    const ahead = Array.from({ length: 2000 }, (_, i) =>
      i % 3 === 0 ? rng.gauss(0, 1) : rng.random(),
    );
    const other = createRandom(5);
    other.setState(saved);
    expect(
      Array.from({ length: 2000 }, (_, i) =>
        i % 3 === 0 ? other.gauss(0, 1) : other.random(),
      ),
    ).toEqual(ahead);
    const copy = other.getState();
    copy.internal[3] = 0;
    expect(other.getState().internal[3]).not.toBe(0);
  });

  it("refuses a bad state whole and leaves the generator as it was", () => {
    const good = createRandom(42).getState();
    const words = (f: (w: number[]) => void): number[] => {
      const w = [...good.internal];
      f(w);
      return w;
    };
    const bad: [unknown, RegExp][] = [
      [null, /object/],
      [{ ...good, version: 2 }, /version/],
      [{ ...good, internal: good.internal.slice(1) }, /625/],
      [
        { ...good, internal: words((w) => (w[10] = 2 ** 32)) },
        /internal\[10\]/,
      ],
      [{ ...good, internal: words((w) => (w[0] = -1)) }, /internal\[0\]/],
      [{ ...good, internal: words((w) => (w[5] = 1.5)) }, /internal\[5\]/],
      [{ ...good, internal: words((w) => (w[624] = 625)) }, /internal\[624\]/],
      [{ ...good, gaussNext: NaN }, /gaussNext/],
      [{ ...good, gaussNext: "0.5" }, /gaussNext/],
    ];
    for (const [state, why] of bad) {
      const rng = createRandom(7);
      const before = rng.getState();
      expect(() => rng.setState(state as GeneratorState)).toThrow(why);
      expect(rng.getState()).toEqual(before);
    }
  });
});

describe("parseSeed", () => {
  it("gives safe integers as numbers and bigints beyond", () => {
    expect(parseSeed("42")).toBe(42);
    expect(parseSeed(" -7 ")).toBe(-7);
    expect(parseSeed("+0")).toBe(0);
    expect(parseSeed("9007199254740991")).toBe(2 ** 53 - 1);
    expect(parseSeed("9007199254740992")).toBe(2n ** 53n);
    expect(parseSeed("9007199254740993")).toBe(2n ** 53n + 1n);
    expect(parseSeed("-1000000000000000000000000000000")).toBe(-(10n ** 30n));
  });

  it("refuses anything but a whole number in decimal", () => {
    for (const bad of ["", " ", "4.2", "1e3", "0x10", "abc", "--5", "5n"])
      expect(() => parseSeed(bad), bad).toThrow(InputError);
    expect(() => parseSeed("4.2")).toThrow(/whole number, got "4.2"/);
  });

  it("a seed as bigint or as number gives the same stream", () => {
    expect(createRandom(42n).random()).toBe(createRandom(42).random());
    expect(createRandom(-(2n ** 40n)).random()).toBe(
      createRandom(2 ** 40).random(),
    );
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
      if (Number.isInteger(bad))
        expect(() => createRandom(bad), String(bad)).toThrow(/bigint/);
      expect(() => createRandom(0).seed(bad), String(bad)).toThrow(/seed/);
    }
  });

  it("accepts every integer up to 2^53 in size as a number, any as a bigint", () => {
    expect(() => createRandom(2 ** 53)).not.toThrow();
    expect(() => createRandom(-(2 ** 53))).not.toThrow();
    expect(() => createRandom(-(2n ** 200n))).not.toThrow();
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
