import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Value, backward, topoOrder } from "microgpt";

/** The recursive post-order search of the chapter: children in order, each node once. */
function topoOrderRecursive(root: Value): Value[] {
  const order: Value[] = [];
  const seen = new Set<Value>();
  const visit = (v: Value): void => {
    if (seen.has(v)) return;
    seen.add(v);
    for (const child of v.children) visit(child);
    order.push(v);
  };
  visit(root);
  return order;
}

/** The backward pass written plainly from the recursive order, as the reference does it. */
function backwardReference(root: Value): void {
  const order = topoOrderRecursive(root);
  root.grad = 1;
  for (const v of order.reverse()) {
    v.children.forEach((child, j) => {
      child.grad += v.localGrads[j] * v.grad;
    });
  }
}

/**
 * A random computation: a list of steps, each applying an operation to earlier nodes. Operand
 * indices are taken modulo the number of nodes so far, so any index is valid and nodes get
 * shared (also as both operands of one operation).
 */
interface Step {
  op: number;
  a: number;
  b: number;
}
const OPS = 12;
const step = fc.record({
  op: fc.nat(OPS - 1),
  a: fc.nat(1000),
  b: fc.nat(1000),
});
const program = fc.array(step, { minLength: 1, maxLength: 25 });
const leafValues = fc.array(fc.double({ min: -2, max: 2, noNaN: true }), {
  minLength: 1,
  maxLength: 4,
});

/** Builds the computation; every operation keeps its inputs in its domain (log of 1 + a^2, ...). */
function build(
  values: readonly number[],
  steps: readonly Step[],
): { leaves: Value[]; nodes: Value[] } {
  const leaves = values.map((x) => new Value(x));
  const nodes = [...leaves];
  for (const { op, a: i, b: j } of steps) {
    const a = nodes[i % nodes.length];
    const b = nodes[j % nodes.length];
    const one = [
      () => a.add(b),
      () => a.mul(b),
      () => a.sub(b),
      () => a.div(b.mul(b).add(1)),
      () => a.exp(),
      () => a.mul(a).add(1).log(),
      () => a.pow(2),
      () => a.pow(3),
      () => a.mul(a).add(0.5).pow(-0.5),
      () => a.relu(),
      () => a.neg().add(b.div(2)),
      () => a.sub(0.25).mul(b),
    ][op];
    nodes.push(one());
  }
  return { leaves, nodes };
}

const root = (nodes: Value[]): Value => nodes[nodes.length - 1];

describe("topoOrder", () => {
  it("lists a leaf alone", () => {
    const v = new Value(1);
    expect(topoOrder(v)).toEqual([v]);
  });

  it("visits children in order, in post-order: x, y, p, z, q, s, f for f = log(x y + e^z)", () => {
    const [x, y, z] = [new Value(2), new Value(0.5), new Value(0)];
    const p = x.mul(y);
    const q = z.exp();
    const s = p.add(q);
    const f = s.log();
    const want = [x, y, p, z, q, s, f];
    const order = topoOrder(f);
    expect(order.length).toBe(want.length);
    order.forEach((v, i) => expect(v).toBe(want[i]));
  });

  it("lists a node used twice by one operation once", () => {
    const b = new Value(3);
    const a = b.add(b);
    const order = topoOrder(a);
    expect(order.length).toBe(2);
    expect(order[0]).toBe(b);
    expect(order[1]).toBe(a);
  });

  it("equals the recursive order on random graphs with shared nodes (property)", () => {
    fc.assert(
      fc.property(leafValues, program, (values, steps) => {
        const r = root(build(values, steps).nodes);
        const iterative = topoOrder(r);
        const recursive = topoOrderRecursive(r);
        expect(iterative.length).toBe(recursive.length);
        iterative.forEach((v, i) => expect(v).toBe(recursive[i]));
      }),
      { numRuns: 500 },
    );
  });

  it("lists every reachable node once, children before parents, root last (property)", () => {
    fc.assert(
      fc.property(leafValues, program, (values, steps) => {
        const r = root(build(values, steps).nodes);
        const order = topoOrder(r);
        const position = new Map(order.map((v, i) => [v, i]));
        expect(position.size).toBe(order.length);
        expect(order[order.length - 1]).toBe(r);
        for (const v of order) {
          for (const child of v.children) {
            expect(position.get(child)).toBeLessThan(position.get(v) ?? -1);
          }
        }
      }),
    );
  });

  it("needs no clearing between searches, also over shared subgraphs", () => {
    const a = new Value(1);
    const b = a.mul(2);
    const c = b.add(a);
    const d = c.exp().add(b);
    const same = (p: Value[], q: Value[]) =>
      p.length === q.length && p.every((v, i) => v === q[i]);
    const first = topoOrder(c);
    expect(same(topoOrder(d), topoOrderRecursive(d))).toBe(true);
    expect(same(topoOrder(c), first)).toBe(true);
    expect(same(topoOrder(b), topoOrderRecursive(b))).toBe(true);
  });
});

describe("backward", () => {
  it("finds 0.25, 1 and 0.5 for f = log(x y + e^z) at (2, 0.5, 0)", () => {
    const [x, y, z] = [new Value(2), new Value(0.5), new Value(0)];
    const f = x.mul(y).add(z.exp()).log();
    backward(f);
    expect([f.grad, x.grad, y.grad, z.grad]).toEqual([1, 0.25, 1, 0.5]);
  });

  it("accumulates over both uses of a node: a = b + b gives b.grad = 2", () => {
    const b = new Value(3);
    backward(b.add(b));
    expect(b.grad).toBe(2);
  });

  it("waits for every use before passing a gradient on: r = w + 3 w, w = e^u", () => {
    const u = new Value(0.5);
    const w = u.exp();
    const r = w.add(w.mul(3));
    backward(r);
    expect(w.grad).toBe(4);
    expect(u.grad).toBeCloseTo(4 * Math.exp(0.5), 14);
  });

  it("adds to the gradients already there and sets the root's to 1", () => {
    const x = new Value(3);
    x.grad = 10;
    const y = x.mul(x);
    y.grad = 5;
    backward(y);
    expect([y.grad, x.grad]).toEqual([1, 16]);
  });

  it("adds contributions in exactly the reference's order: bit-identical gradients (property)", () => {
    fc.assert(
      fc.property(leafValues, program, (values, steps) => {
        const ours = build(values, steps);
        const theirs = build(values, steps);
        backward(root(ours.nodes));
        backwardReference(root(theirs.nodes));
        ours.nodes.forEach((v, i) => expect(v.grad).toBe(theirs.nodes[i].grad));
      }),
      { numRuns: 300 },
    );
  });

  it("agrees with central differences on random expressions (error < 1e-6, property)", () => {
    let checked = 0;
    fc.assert(
      fc.property(leafValues, program, (values, steps) => {
        const { leaves, nodes } = build(values, steps);
        const r = root(nodes);
        // Keep to smooth, moderate computations: finite, not huge, and away from relu's kink.
        fc.pre(
          nodes.every((v) => Number.isFinite(v.data) && Math.abs(v.data) < 1e3),
        );
        fc.pre(
          nodes.every(
            (v) => v.op !== "relu" || Math.abs(v.children[0].data) > 1e-3,
          ),
        );
        backward(r);
        checked++;
        values.forEach((x, i) => {
          const h = 1e-5 * Math.max(1, Math.abs(x));
          const at = (dx: number) =>
            root(
              build(
                values.map((v, j) => (j === i ? v + dx : v)),
                steps,
              ).nodes,
            ).data;
          const numeric = (at(h) - at(-h)) / (2 * h);
          const analytic = leaves[i].grad;
          const error =
            Math.abs(numeric - analytic) /
            Math.max(1, Math.abs(numeric), Math.abs(analytic));
          expect(
            error,
            `leaf ${i}: numeric ${numeric}, backward ${analytic}`,
          ).toBeLessThan(1e-6);
        });
      }),
      { numRuns: 500 },
    );
    expect(checked).toBe(500); // the filters above skip some cases, but fast-check draws until 500 pass
  });

  it("backpropagates through a chain of 1,000,000 additions without overflowing the stack", () => {
    const start = new Value(0);
    const step = new Value(1e-6);
    let v = start;
    for (let i = 0; i < 1_000_000; i++) v = v.add(step);
    backward(v);
    expect(start.grad).toBe(1);
    expect(step.grad).toBe(1_000_000);
    expect(topoOrder(v).length).toBe(1_000_002);
  });

  it("orders a chain too deep for a recursive search: every child before its parent, root last", () => {
    // 200,000 levels overflow Node's default stack in a recursive search.
    const leaf = new Value(0);
    let v = leaf;
    for (let i = 0; i < 200_000; i++) v = v.add(1);
    const order = topoOrder(v);
    expect(order).toHaveLength(400_001); // each add also makes a constant node
    expect(order[0]).toBe(leaf);
    expect(order[order.length - 1]).toBe(v);
    const at = new Map(order.map((node, i) => [node, i]));
    const late = order.filter((node, i) =>
      node.children.some((child) => (at.get(child) ?? Infinity) >= i),
    );
    expect(late).toEqual([]);
  });
});
