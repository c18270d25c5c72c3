import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError, Value, backward, checkFinite } from "microgpt";
import { drawDot, toDot } from "microgpt-helpers";

/** A finite double of moderate size, as operands for the exactness checks. */
const double = fc.double({
  min: -1e6,
  max: 1e6,
  noNaN: true,
  noDefaultInfinity: true,
});
const nonZero = double.filter((x) => Math.abs(x) > 1e-9);

/**
 * Largest error between the backward pass's gradients and central differences, for the
 * expression `build` at `point`. The error is relative, measured against max(1, |grad|), so it
 * is an absolute error for gradients smaller than 1.
 */
function gradCheck(build: (xs: Value[]) => Value, point: number[]): number {
  const leaves = point.map((x) => new Value(x));
  backward(build(leaves));
  let worst = 0;
  point.forEach((x, i) => {
    const h = 1e-5 * Math.max(1, Math.abs(x));
    const at = (dx: number) =>
      build(point.map((p, j) => new Value(j === i ? p + dx : p))).data;
    const numeric = (at(h) - at(-h)) / (2 * h);
    const analytic = leaves[i].grad;
    worst = Math.max(
      worst,
      Math.abs(numeric - analytic) /
        Math.max(1, Math.abs(numeric), Math.abs(analytic)),
    );
  });
  return worst;
}

describe("a leaf", () => {
  it("holds its number, a zero grad and no history", () => {
    const v = new Value(1.5);
    expect([
      v.data,
      v.grad,
      v.visited,
      v.children.length,
      v.localGrads.length,
      v.op,
    ]).toEqual([1.5, 0, 0, 0, 0, ""]);
  });
});

describe("each operation records its result and local derivatives", () => {
  const a = new Value(2);
  const b = new Value(-3);

  it("add: a + b, locals 1 and 1", () => {
    const c = a.add(b);
    expect([c.data, c.localGrads, c.op]).toEqual([-1, [1, 1], "+"]);
    expect(c.children[0]).toBe(a);
    expect(c.children[1]).toBe(b);
  });

  it("mul: a * b, locals b and a", () => {
    const c = a.mul(b);
    expect([c.data, c.localGrads, c.op]).toEqual([-6, [-3, 2], "*"]);
    expect(c.children).toEqual([a, b]);
  });

  it("pow: a ** k, local k * a ** (k - 1)", () => {
    expect([a.pow(3).data, a.pow(3).localGrads, a.pow(3).op]).toEqual([
      8,
      [12],
      "^3",
    ]);
    expect([a.pow(0.5).data, a.pow(0.5).localGrads[0]]).toEqual([
      2 ** 0.5,
      0.5 * 2 ** -0.5,
    ]);
    expect([a.pow(-1).data, a.pow(-1).localGrads[0]]).toEqual([0.5, -0.25]);
  });

  it("log: ln a, local 1 / a", () => {
    expect([a.log().data, a.log().localGrads]).toEqual([Math.log(2), [0.5]]);
  });

  it("exp: e ** a, local e ** a", () => {
    const e = a.exp();
    expect([e.data, e.localGrads]).toEqual([Math.exp(2), [Math.exp(2)]]);
  });

  it("relu: max(a, 0), local 1 for a > 0 and 0 otherwise (0 at the kink)", () => {
    expect([a.relu().data, a.relu().localGrads]).toEqual([2, [1]]);
    expect([b.relu().data, b.relu().localGrads]).toEqual([0, [0]]);
    expect([new Value(0).relu().data, new Value(0).relu().localGrads]).toEqual([
      0,
      [0],
    ]);
  });

  it("a number operand becomes a new leaf, the second child", () => {
    for (const c of [a.add(5), a.mul(5)]) {
      expect(c.children[0]).toBe(a);
      expect(c.children[1].data).toBe(5);
      expect(c.children[1].children.length).toBe(0);
    }
  });

  it("an operation leaves its inputs untouched", () => {
    const x = new Value(4);
    x.mul(x).add(1).exp();
    expect([x.data, x.grad, x.children.length]).toEqual([4, 0, 0]);
  });
});

describe("neg, sub and div are built from the primitives, as the reference builds them", () => {
  const a = new Value(0.3);
  const b = new Value(0.1);

  it("neg is a * -1", () => {
    const n = a.neg();
    expect([n.op, n.children[0], n.children[1].data]).toEqual(["*", a, -1]);
  });

  it("sub is a + (b * -1), or a + (-x) for a number", () => {
    const d = a.sub(b);
    expect(d.op).toBe("+");
    expect(d.children[0]).toBe(a);
    const n = d.children[1];
    expect([n.op, n.children[0], n.children[1].data]).toEqual(["*", b, -1]);
    const e = a.sub(2);
    expect([e.op, e.children[1].data, e.children[1].children.length]).toEqual([
      "+",
      -2,
      0,
    ]);
  });

  it("div is a * b ** -1, or a * (1 / x) for a number", () => {
    const q = a.div(b);
    expect(q.op).toBe("*");
    const r = q.children[1];
    expect([r.op, r.children[0], r.data]).toEqual(["^-1", b, 10]);
    expect(q.data).toBe(3); // a true division gives 2.9999999999999996
    const s = a.div(4);
    expect([s.op, s.children[1].data]).toEqual(["*", 0.25]);
  });

  it("give the reference's floating-point results bit for bit (property)", () => {
    fc.assert(
      fc.property(double, nonZero, (x, y) => {
        const [vx, vy] = [new Value(x), new Value(y)];
        expect(vx.sub(vy).data).toBe(x + -y);
        expect(vx.div(vy).data).toBe(x * (1 / y));
        expect(vx.div(y).data).toBe(x * (1 / y));
        expect(vx.neg().data).toBe(x * -1);
        expect(vy.pow(-1).data).toBe(1 / y);
      }),
    );
  });
});

describe("gradients agree with central differences (error < 1e-6)", () => {
  const cases: [string, (v: Value[]) => Value, number[]][] = [
    ["a + b", ([a, b]) => a.add(b), [1.3, -0.7]],
    ["a * b", ([a, b]) => a.mul(b), [1.3, -0.7]],
    ["a ** 3", ([a]) => a.pow(3), [1.7]],
    ["a ** -0.5", ([a]) => a.pow(-0.5), [2.3]],
    ["a ** -1", ([a]) => a.pow(-1), [-0.8]],
    ["log a", ([a]) => a.log(), [0.4]],
    ["exp a", ([a]) => a.exp(), [-1.2]],
    ["relu a (a > 0)", ([a]) => a.relu().mul(a), [0.9]],
    ["relu a (a < 0)", ([a]) => a.relu().add(a.mul(a)), [-0.9]],
    ["-a", ([a]) => a.neg().mul(a.exp()), [0.6]],
    ["a - b", ([a, b]) => a.sub(b).mul(a), [0.6, 2.5]],
    ["a / b", ([a, b]) => a.div(b), [0.6, -2.5]],
    ["a / 3 - 2", ([a]) => a.div(3).sub(2).pow(2), [0.6]],
    ["log(x y + e^z)", ([x, y, z]) => x.mul(y).add(z.exp()).log(), [2, 0.5, 0]],
    ["a used twice: a * a + a", ([a]) => a.mul(a).add(a), [1.1]],
    [
      "softmax-like: e^a / (e^a + e^b)",
      ([a, b]) => a.exp().div(a.exp().add(b.exp())),
      [0.3, -0.4],
    ],
    [
      "rmsnorm-like: a * ((a a + b b) / 2 + 1e-5) ** -0.5",
      ([a, b]) => a.mul(a.mul(a).add(b.mul(b)).div(2).add(1e-5).pow(-0.5)),
      [0.7, -1.9],
    ],
  ];
  for (const [name, build, point] of cases) {
    it(name, () => {
      expect(gradCheck(build, point)).toBeLessThan(1e-6);
    });
  }

  it("on the worked example the gradients are 0.25, 1 and 0.5", () => {
    const [x, y, z] = [new Value(2), new Value(0.5), new Value(0)];
    backward(x.mul(y).add(z.exp()).log());
    expect([x.grad, y.grad, z.grad]).toEqual([0.25, 1, 0.5]);
  });
});

describe("inputs outside an operation's domain follow IEEE 754; checkFinite turns them into an error", () => {
  it("log(0) = -Infinity, log(-1) = NaN", () => {
    expect([new Value(0).log().data, new Value(0).log().localGrads[0]]).toEqual(
      [-Infinity, Infinity],
    );
    expect(new Value(-1).log().data).toBeNaN();
  });

  it("0 ** -1 = Infinity and 0 / 0 = NaN, without throwing", () => {
    const r = new Value(0).pow(-1);
    expect([r.data, r.localGrads[0]]).toEqual([Infinity, -Infinity]);
    expect(new Value(0).div(new Value(0)).data).toBeNaN();
    expect(new Value(0).div(0).data).toBeNaN();
    expect(new Value(1).div(0).data).toBe(Infinity);
  });

  it("exp overflows to Infinity", () => {
    expect(new Value(1000).exp().data).toBe(Infinity);
  });

  it("NaN spreads through add, mul and relu (relu does not hide it as 0)", () => {
    expect(new Value(NaN).add(1).data).toBeNaN();
    expect(new Value(NaN).mul(0).data).toBeNaN();
    const r = new Value(NaN).relu();
    expect([r.data, r.localGrads[0], r.op]).toEqual([NaN, NaN, "relu"]);
    // the infinities are numbers: relu handles them like any other
    expect([
      new Value(-Infinity).relu().data,
      new Value(Infinity).relu().data,
    ]).toEqual([0, Infinity]);
    const x = new Value(NaN);
    backward(x.relu().mul(2));
    expect(x.grad).toBeNaN();
  });

  it("pow(0) records the derivative's value, 0, even at 0 (not 0 * Infinity = NaN)", () => {
    for (const x of [0, -0, 2, -3, Infinity, NaN]) {
      const v = new Value(x);
      const p = v.pow(0);
      expect(p.data).toBe(1);
      expect(p.localGrads[0]).toBe(0);
      backward(p);
      expect(v.grad).toBe(0);
    }
    // other exponents keep the formula k * x ** (k - 1), infinities included
    expect(new Value(0).pow(0.5).localGrads[0]).toBe(Infinity);
    expect(new Value(0).pow(1).localGrads[0]).toBe(1);
  });

  it("checkFinite returns a finite value and throws an InputError naming a non-finite one", () => {
    const ok = new Value(2.5);
    expect(checkFinite(ok, "the loss")).toBe(ok);
    for (const bad of [
      new Value(0).log(),
      new Value(-1).log(),
      new Value(0).pow(-1),
      new Value(800).exp(),
    ]) {
      expect(() => checkFinite(bad, "the loss at step 7")).toThrow(InputError);
      expect(() => checkFinite(bad, "the loss at step 7")).toThrow(
        /^the loss at step 7 is (NaN|-?Infinity), not a finite number/,
      );
    }
  });
});

describe("pictures of the graph", () => {
  const a = new Value(2);
  const b = new Value(-3);
  const c = a.mul(b).add(a);

  it("toDot has a box per value, an oval per operation and an arrow per input", () => {
    const dot = toDot(c, {
      names: new Map([
        [a, "a"],
        [b, "b|<x>"],
      ]),
    });
    expect(dot.match(/shape=record/g)?.length).toBe(4); // a, b, a*b, c
    expect(dot.match(/v\d+op \[label=/g)?.length).toBe(2);
    expect(dot.match(/->/g)?.length).toBe(2 + 4); // op -> result, and four inputs
    expect(dot).toContain('label="a | data 2.0000 | grad 0.0000"'); // fields stacked
    expect(dot).toContain("b\\|\\<x\\>"); // record syntax escaped
  });

  it("toDot can leave out grads and lay out top to bottom", () => {
    const dot = toDot(c, { showGrad: false, rankdir: "TB" });
    expect(dot).toContain("rankdir=TB");
    expect(dot).not.toContain("grad");
  });

  it("drawDot renders SVG with the numbers in it", async () => {
    backward(c);
    const svg = await drawDot(c);
    expect(svg).toContain("<svg");
    expect(svg).toContain("grad &#45;2.0000"); // dc/da = b + 1
  });
});

describe("operands from untyped JavaScript", () => {
  // TypeScript refuses these calls; plain JavaScript makes them, hence the casts
  const str = (x: string) => x as unknown as number;
  const a = new Value(2);

  it("new Value refuses anything but a number with a TypeError saying what it got", () => {
    expect(() => new Value(str("abc"))).toThrow(TypeError);
    expect(() => new Value(str("abc"))).toThrow(
      /^a Value's data must be a number, not the string "abc"$/,
    );
    expect(() => new Value(undefined as unknown as number)).toThrow(
      /not a value of type undefined/,
    );
    expect(() => new Value(null as unknown as number)).toThrow(/not null/);
    expect(() => new Value(1n as unknown as number)).toThrow(/type bigint/);
    expect(new Value(NaN).data).toBeNaN(); // NaN is a number
  });

  it("add, mul, sub, div and pow refuse a string operand instead of concatenating or coercing it", () => {
    const calls: [() => Value, RegExp][] = [
      [
        () => a.add(str("1")),
        /^add takes a number or a Value, not the string "1"$/,
      ],
      [
        () => a.mul(str("2")),
        /^mul takes a number or a Value, not the string "2"$/,
      ],
      [
        () => a.sub(str("1")),
        /^sub takes a number or a Value, not the string "1"$/,
      ],
      [
        () => a.div(str("2")),
        /^div takes a number or a Value, not the string "2"$/,
      ],
      [
        () => a.pow(str("2")),
        /^pow takes a number as exponent, not the string "2"$/,
      ],
      [() => a.add({} as unknown as number), /type object/],
    ];
    for (const [call, message] of calls) {
      expect(call).toThrow(TypeError);
      expect(call).toThrow(message);
    }
  });
});
