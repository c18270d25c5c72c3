// The fast engine's three hot loops in AssemblyScript (chapter 8, "Two lanes at
// a time"), compiled to WebAssembly with 128-bit SIMD: f64x2 holds two doubles
// and works on both at once. Every result equals the TypeScript loop's, bit for
// bit: a lane is one output, and each output's sum is added in the same order.
// Arguments named like arrays are byte offsets into the engine's memory.
// `make lib` compiles it (scripts/build-kernels.mjs) into kernels/index.js.

// Y[t][i] = sum over j of W[i][j] X[t][j], for the n positions t < n; the sum
// from 0 in j order. The lanes are two positions, so X is first copied into XT
// as columns (XT[j][t], n rounded up to even, the odd lane 0).
export function linear(
  Y: usize, X: usize, n: i32, W: usize, rows: i32, cols: i32, XT: usize,
): void {
  const np = (n + 1) & ~1;
  const colBytes = <usize>np << 3;
  for (let t = 0; t < n; t++)
    for (let j = 0; j < cols; j++) {
      const x = load<f64>(X + <usize>(t * cols + j) * 8);
      store<f64>(XT + <usize>(j * np + t) * 8, x);
    }
  if (n < np)
    for (let j = 0; j < cols; j++) store<f64>(XT + <usize>(j * np + n) * 8, 0);
  const rowBytes = <usize>cols << 3;
  let i = 0;
  for (; i + 2 <= rows; i += 2) {
    const w0 = W + <usize>i * rowBytes;
    const w1 = w0 + rowBytes;
    let t = 0;
    // Two rows by eight positions: eight vectors, sixteen sums in flight.
    for (; t + 8 <= np; t += 8) {
      let a0 = f64x2.splat(0), a1 = a0, a2 = a0, a3 = a0;
      let b0 = a0, b1 = a0, b2 = a0, b3 = a0;
      let x = XT + (<usize>t << 3);
      for (let j = 0; j < cols; j++) {
        const u = f64x2.splat(load<f64>(w0 + (<usize>j << 3)));
        const v = f64x2.splat(load<f64>(w1 + (<usize>j << 3)));
        const x0 = v128.load(x), x1 = v128.load(x, 16);
        const x2 = v128.load(x, 32), x3 = v128.load(x, 48);
        a0 = f64x2.add(a0, f64x2.mul(u, x0));
        a1 = f64x2.add(a1, f64x2.mul(u, x1));
        a2 = f64x2.add(a2, f64x2.mul(u, x2));
        a3 = f64x2.add(a3, f64x2.mul(u, x3));
        b0 = f64x2.add(b0, f64x2.mul(v, x0));
        b1 = f64x2.add(b1, f64x2.mul(v, x1));
        b2 = f64x2.add(b2, f64x2.mul(v, x2));
        b3 = f64x2.add(b3, f64x2.mul(v, x3));
        x += colBytes;
      }
      put(Y, rows, n, t, i, a0, b0);
      put(Y, rows, n, t + 2, i, a1, b1);
      put(Y, rows, n, t + 4, i, a2, b2);
      put(Y, rows, n, t + 6, i, a3, b3);
    }
    for (; t < np; t += 2) {
      let a = f64x2.splat(0), b = a;
      let x = XT + (<usize>t << 3);
      for (let j = 0; j < cols; j++) {
        const xv = v128.load(x);
        const u = f64x2.splat(load<f64>(w0 + (<usize>j << 3)));
        const v = f64x2.splat(load<f64>(w1 + (<usize>j << 3)));
        a = f64x2.add(a, f64x2.mul(u, xv));
        b = f64x2.add(b, f64x2.mul(v, xv));
        x += colBytes;
      }
      put(Y, rows, n, t, i, a, b);
    }
  }
  if (i < rows) {
    // the last row of an odd count
    const w0 = W + <usize>i * rowBytes;
    for (let t = 0; t < np; t += 2) {
      let a = f64x2.splat(0);
      let x = XT + (<usize>t << 3);
      for (let j = 0; j < cols; j++) {
        const u = f64x2.splat(load<f64>(w0 + (<usize>j << 3)));
        a = f64x2.add(a, f64x2.mul(u, v128.load(x)));
        x += colBytes;
      }
      const y = Y + <usize>(t * rows + i) * 8;
      store<f64>(y, f64x2.extract_lane(a, 0));
      if (t + 1 < n)
        store<f64>(y + (<usize>rows << 3), f64x2.extract_lane(a, 1));
    }
  }
}

// Rows i and i + 1 of positions t and t + 1 (t + 1 only if it exists).
@inline function put(
  Y: usize, rows: i32, n: i32, t: i32, i: i32, a: v128, b: v128,
): void {
  if (t >= n) return;
  const y = Y + <usize>(t * rows + i) * 8;
  store<f64>(y, f64x2.extract_lane(a, 0));
  store<f64>(y, f64x2.extract_lane(b, 0), 8);
  if (t + 1 < n) {
    const z = y + (<usize>rows << 3);
    store<f64>(z, f64x2.extract_lane(a, 1));
    store<f64>(z, f64x2.extract_lane(b, 1), 8);
  }
}

// The backward pass of linear, with the TypeScript loop's sums (the lanes are
// neighbouring columns): G[i][j] += sum_t dY[t][i] X[t][j], then
// dX[t][j] = sum_i W[i][j] dY[t][i] (added to dX[t][j] when accumulate is 1).
// Two rows (or two positions) share each load, so eight sums are in flight. A
// term whose dY is 0 is skipped, or added as a 0 that changes nothing.
export function linearBackward(
  dX: usize, accumulate: i32, W: usize, G: usize, X: usize, dY: usize,
  n: i32, rows: i32, cols: i32,
): void {
  const c8 = cols & ~7;
  const c4 = cols & ~3;
  const rowBytes = <usize>cols << 3;
  const dyBytes = <usize>rows << 3;
  // the weight gradient, two rows at a time
  for (let i = 0; i < rows; i += 2) {
    const two = i + 1 < rows;
    let any = false;
    for (let t = 0; t < n; t++) {
      const dy = dY + <usize>t * dyBytes + (<usize>i << 3);
      if (load<f64>(dy) != 0 || (two && load<f64>(dy, 8) != 0)) any = true;
    }
    if (!any) continue;
    const g0 = G + <usize>i * rowBytes;
    const g1 = g0 + rowBytes;
    const dy0 = dY + (<usize>i << 3);
    // the second row of an odd count reads the first again and is not stored
    const dy1 = two ? dy0 + 8 : dy0;
    let j = 0;
    for (; j < c8; j += 8) {
      let a0 = f64x2.splat(0), a1 = a0, a2 = a0, a3 = a0;
      let b0 = a0, b1 = a0, b2 = a0, b3 = a0;
      let x = X + (<usize>j << 3);
      let o: usize = 0;
      for (let t = 0; t < n; t++) {
        const d = f64x2.splat(load<f64>(dy0 + o));
        const e = f64x2.splat(load<f64>(dy1 + o));
        const x0 = v128.load(x), x1 = v128.load(x, 16);
        const x2 = v128.load(x, 32), x3 = v128.load(x, 48);
        a0 = f64x2.add(a0, f64x2.mul(d, x0));
        a1 = f64x2.add(a1, f64x2.mul(d, x1));
        a2 = f64x2.add(a2, f64x2.mul(d, x2));
        a3 = f64x2.add(a3, f64x2.mul(d, x3));
        b0 = f64x2.add(b0, f64x2.mul(e, x0));
        b1 = f64x2.add(b1, f64x2.mul(e, x1));
        b2 = f64x2.add(b2, f64x2.mul(e, x2));
        b3 = f64x2.add(b3, f64x2.mul(e, x3));
        x += rowBytes;
        o += dyBytes;
      }
      addTo(g0 + (<usize>j << 3), a0, a1, a2, a3);
      if (two) addTo(g1 + (<usize>j << 3), b0, b1, b2, b3);
    }
    for (; j < c4; j += 4) {
      let a0 = f64x2.splat(0), a1 = a0, b0 = a0, b1 = a0;
      let x = X + (<usize>j << 3);
      let o: usize = 0;
      for (let t = 0; t < n; t++) {
        const d = f64x2.splat(load<f64>(dy0 + o));
        const e = f64x2.splat(load<f64>(dy1 + o));
        const x0 = v128.load(x), x1 = v128.load(x, 16);
        a0 = f64x2.add(a0, f64x2.mul(d, x0));
        a1 = f64x2.add(a1, f64x2.mul(d, x1));
        b0 = f64x2.add(b0, f64x2.mul(e, x0));
        b1 = f64x2.add(b1, f64x2.mul(e, x1));
        x += rowBytes;
        o += dyBytes;
      }
      const gj = g0 + (<usize>j << 3);
      v128.store(gj, f64x2.add(v128.load(gj), a0));
      v128.store(gj, f64x2.add(v128.load(gj, 16), a1), 16);
      if (two) {
        const hj = g1 + (<usize>j << 3);
        v128.store(hj, f64x2.add(v128.load(hj), b0));
        v128.store(hj, f64x2.add(v128.load(hj, 16), b1), 16);
      }
    }
    for (; j < cols; j++) {
      let a: f64 = 0, b: f64 = 0;
      for (let t = 0; t < n; t++) {
        const xj = load<f64>(X + <usize>(t * cols + j) * 8);
        const o = <usize>t * dyBytes;
        a += load<f64>(dy0 + o) * xj;
        b += load<f64>(dy1 + o) * xj;
      }
      store<f64>(g0 + (<usize>j << 3), load<f64>(g0 + (<usize>j << 3)) + a);
      if (two)
        store<f64>(g1 + (<usize>j << 3), load<f64>(g1 + (<usize>j << 3)) + b);
    }
  }
  // the input gradient, two positions at a time
  for (let t = 0; t < n; t += 2) {
    const two = t + 1 < n;
    const dy0 = dY + <usize>t * dyBytes;
    const dy1 = two ? dy0 + dyBytes : dy0;
    const dx0 = dX + <usize>t * rowBytes;
    const dx1 = dx0 + rowBytes;
    let j = 0;
    for (; j < c8; j += 8) {
      let a0 = f64x2.splat(0), a1 = a0, a2 = a0, a3 = a0;
      let b0 = a0, b1 = a0, b2 = a0, b3 = a0;
      let w = W + (<usize>j << 3);
      for (let i = 0; i < rows; i++) {
        const q = <usize>i << 3;
        const p = load<f64>(dy0 + q), r = load<f64>(dy1 + q);
        if (p != 0 || r != 0) {
          const d = f64x2.splat(p), e = f64x2.splat(r);
          const w0 = v128.load(w), w1 = v128.load(w, 16);
          const w2 = v128.load(w, 32), w3 = v128.load(w, 48);
          a0 = f64x2.add(a0, f64x2.mul(w0, d));
          a1 = f64x2.add(a1, f64x2.mul(w1, d));
          a2 = f64x2.add(a2, f64x2.mul(w2, d));
          a3 = f64x2.add(a3, f64x2.mul(w3, d));
          b0 = f64x2.add(b0, f64x2.mul(w0, e));
          b1 = f64x2.add(b1, f64x2.mul(w1, e));
          b2 = f64x2.add(b2, f64x2.mul(w2, e));
          b3 = f64x2.add(b3, f64x2.mul(w3, e));
        }
        w += rowBytes;
      }
      putRow(dx0 + (<usize>j << 3), accumulate, a0, a1, a2, a3);
      if (two) putRow(dx1 + (<usize>j << 3), accumulate, b0, b1, b2, b3);
    }
    for (; j < c4; j += 4) {
      let a0 = f64x2.splat(0), a1 = a0, b0 = a0, b1 = a0;
      let w = W + (<usize>j << 3);
      for (let i = 0; i < rows; i++) {
        const q = <usize>i << 3;
        const p = load<f64>(dy0 + q), r = load<f64>(dy1 + q);
        if (p != 0 || r != 0) {
          const d = f64x2.splat(p), e = f64x2.splat(r);
          const w0 = v128.load(w), w1 = v128.load(w, 16);
          a0 = f64x2.add(a0, f64x2.mul(w0, d));
          a1 = f64x2.add(a1, f64x2.mul(w1, d));
          b0 = f64x2.add(b0, f64x2.mul(w0, e));
          b1 = f64x2.add(b1, f64x2.mul(w1, e));
        }
        w += rowBytes;
      }
      const z = f64x2.splat(0);
      putRow(dx0 + (<usize>j << 3), accumulate, a0, a1, z, z, 2);
      if (two) putRow(dx1 + (<usize>j << 3), accumulate, b0, b1, z, z, 2);
    }
    for (; j < cols; j++) {
      const count = two ? 2 : 1;
      for (let u = 0; u < count; u++) {
        const dy = u == 0 ? dy0 : dy1;
        let a: f64 = 0;
        for (let i = 0; i < rows; i++)
          a +=
            load<f64>(W + <usize>(i * cols + j) * 8) *
            load<f64>(dy + (<usize>i << 3));
        const o = (u == 0 ? dx0 : dx1) + (<usize>j << 3);
        store<f64>(o, accumulate ? load<f64>(o) + a : a);
      }
    }
  }
}

// g[0..8) += a0..a3
@inline function addTo(g: usize, a0: v128, a1: v128, a2: v128, a3: v128): void {
  v128.store(g, f64x2.add(v128.load(g), a0));
  v128.store(g, f64x2.add(v128.load(g, 16), a1), 16);
  v128.store(g, f64x2.add(v128.load(g, 32), a2), 32);
  v128.store(g, f64x2.add(v128.load(g, 48), a3), 48);
}

// The first 2 * vectors of o[0..8) = a (or += a when accumulate is 1).
@inline function putRow(
  o: usize, accumulate: i32,
  a0: v128, a1: v128, a2: v128, a3: v128, vectors: i32 = 4,
): void {
  if (accumulate) {
    a0 = f64x2.add(v128.load(o), a0);
    a1 = f64x2.add(v128.load(o, 16), a1);
    if (vectors == 4) {
      a2 = f64x2.add(v128.load(o, 32), a2);
      a3 = f64x2.add(v128.load(o, 48), a3);
    }
  }
  v128.store(o, a0);
  v128.store(o, a1, 16);
  if (vectors == 4) {
    v128.store(o, a2, 32);
    v128.store(o, a3, 48);
  }
}

// One Adam (or AdamW, when decay is not 0) update of len weights, two at a
// time, with chapter 6's expressions; every grad back to 0. Returns 0 if some
// w * w or v is no longer finite, else 1.
export function adam(
  P: usize, G: usize, M: usize, V: usize, len: i32,
  beta1: f64, beta2: f64, k1: f64, k2: f64,
  lr: f64, c1: f64, c2: f64, eps: f64, decay: f64,
): i32 {
  const b1 = f64x2.splat(beta1), b2 = f64x2.splat(beta2);
  const vk1 = f64x2.splat(k1), vk2 = f64x2.splat(k2);
  const vlr = f64x2.splat(lr), vc1 = f64x2.splat(c1), vc2 = f64x2.splat(c2);
  const veps = f64x2.splat(eps), vdecay = f64x2.splat(decay);
  const zero = f64x2.splat(0);
  let finite = zero;
  const end = <usize>(len & ~1) << 3;
  for (let o: usize = 0; o < end; o += 16) {
    const g = v128.load(G + o);
    const m = f64x2.add(f64x2.mul(b1, v128.load(M + o)), f64x2.mul(vk1, g));
    const v = f64x2.add(
      f64x2.mul(b2, v128.load(V + o)),
      f64x2.mul(vk2, f64x2.mul(g, g)),
    );
    v128.store(M + o, m);
    v128.store(V + o, v);
    // x / 1 is x exactly: once 1 - beta ** (step + 1) rounds to 1 (after
    // about 230 steps for beta1 = 0.85), its division is skipped.
    const mHat = c1 == 1 ? m : f64x2.div(m, vc1);
    const vHat = c2 == 1 ? v : f64x2.div(v, vc2);
    const step = f64x2.div(
      f64x2.mul(vlr, mHat),
      f64x2.add(f64x2.sqrt(vHat), veps),
    );
    const p = v128.load(P + o);
    const pull = decay == 0 ? step : f64x2.add(step, f64x2.mul(vdecay, p));
    const w = f64x2.sub(p, pull);
    v128.store(P + o, w);
    v128.store(G + o, zero);
    const check = f64x2.add(f64x2.mul(f64x2.mul(w, w), zero), f64x2.sub(v, v));
    finite = f64x2.add(finite, check);
  }
  let last: f64 = 0;
  if (len & 1) {
    const o = end;
    const g = load<f64>(G + o);
    const m = beta1 * load<f64>(M + o) + k1 * g;
    const v = beta2 * load<f64>(V + o) + k2 * (g * g);
    store<f64>(M + o, m);
    store<f64>(V + o, v);
    const step = (lr * (m / c1)) / (Math.sqrt(v / c2) + eps);
    const p = load<f64>(P + o);
    const w = p - (decay == 0 ? step : step + decay * p);
    store<f64>(P + o, w);
    store<f64>(G + o, 0);
    last = w * w * 0 + (v - v);
  }
  const lanes = f64x2.extract_lane(finite, 0) + f64x2.extract_lane(finite, 1);
  return lanes == 0 && last == 0 ? 1 : 0;
}
