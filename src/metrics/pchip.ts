// Piecewise cubic Hermite interpolation with monotonicity-preserving slopes (Fritsch & Carlson 1980, with the
// weighted-harmonic-mean interior slopes of Fritsch & Butland 1984 and the three-point end slopes of
// Moler, "Numerical Computing with MATLAB" §3.4) — the same rule as MATLAB's pchip and SciPy's PchipInterpolator —
// plus its exact definite integral.

export interface Pchip {
  /** Knots, strictly increasing. */
  x: Float64Array;
  y: Float64Array;
  /** Slope at each knot. */
  d: Float64Array;
}

function sign(v: number): number {
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

function endSlope(h0: number, h1: number, m0: number, m1: number): number {
  let d = ((2 * h0 + h1) * m0 - h0 * m1) / (h0 + h1);
  if (sign(d) !== sign(m0)) d = 0;
  else if (sign(m0) !== sign(m1) && Math.abs(d) > 3 * Math.abs(m0)) d = 3 * m0;
  return d;
}

/** Builds the interpolant; x must be strictly increasing (checked), at least 2 knots. */
export function pchip(xs: ArrayLike<number>, ys: ArrayLike<number>): Pchip {
  const n = xs.length;
  if (n < 2 || ys.length !== n) throw new RangeError(`pchip needs ≥ 2 knots with matching x and y (got ${n}, ${ys.length}).`);
  const x = Float64Array.from(xs);
  const y = Float64Array.from(ys);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) throw new RangeError('pchip knots must be finite.');
    if (i > 0 && !(x[i] > x[i - 1])) throw new RangeError('pchip x must be strictly increasing.');
  }
  const h = new Float64Array(n - 1);
  const m = new Float64Array(n - 1);
  for (let i = 0; i < n - 1; i++) {
    h[i] = x[i + 1] - x[i];
    m[i] = (y[i + 1] - y[i]) / h[i];
  }
  const d = new Float64Array(n);
  if (n === 2) {
    d[0] = m[0];
    d[1] = m[0];
    return { x, y, d };
  }
  for (let k = 1; k < n - 1; k++) {
    const m0 = m[k - 1];
    const m1 = m[k];
    if (sign(m0) !== sign(m1) || m0 === 0 || m1 === 0) {
      d[k] = 0;
    } else {
      const w1 = 2 * h[k] + h[k - 1];
      const w2 = h[k] + 2 * h[k - 1];
      d[k] = (w1 + w2) / (w1 / m0 + w2 / m1);
    }
  }
  d[0] = endSlope(h[0], h[1], m[0], m[1]);
  d[n - 1] = endSlope(h[n - 2], h[n - 3], m[n - 2], m[n - 3]);
  return { x, y, d };
}

function segmentOf(p: Pchip, v: number): number {
  const n = p.x.length;
  if (v <= p.x[0]) return 0;
  if (v >= p.x[n - 1]) return n - 2;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (p.x[mid] <= v) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Value at v (the end cubics are extended outside the knots). */
export function pchipEval(p: Pchip, v: number): number {
  const k = segmentOf(p, v);
  const h = p.x[k + 1] - p.x[k];
  const t = (v - p.x[k]) / h;
  const t2 = t * t;
  const t3 = t2 * t;
  return (
    p.y[k] * (2 * t3 - 3 * t2 + 1) +
    h * p.d[k] * (t3 - 2 * t2 + t) +
    p.y[k + 1] * (-2 * t3 + 3 * t2) +
    h * p.d[k + 1] * (t3 - t2)
  );
}

/** Antiderivative of segment k in its local coordinate t ∈ [0, 1], times h (so it is in x units). */
function segmentPrimitive(p: Pchip, k: number, t: number): number {
  const h = p.x[k + 1] - p.x[k];
  const t2 = t * t;
  const t3 = t2 * t;
  const t4 = t3 * t;
  const H00 = t4 / 2 - t3 + t;
  const H10 = t4 / 4 - (2 * t3) / 3 + t2 / 2;
  const H01 = -t4 / 2 + t3;
  const H11 = t4 / 4 - t3 / 3;
  return h * (p.y[k] * H00 + h * p.d[k] * H10 + p.y[k + 1] * H01 + h * p.d[k + 1] * H11);
}

/** Exact ∫ from a to b (a ≤ b, both inside [x0, xn]) of the interpolant. */
export function pchipIntegrate(p: Pchip, a: number, b: number): number {
  if (b < a) return -pchipIntegrate(p, b, a);
  const ka = segmentOf(p, a);
  const kb = segmentOf(p, b);
  const local = (k: number, v: number) => (v - p.x[k]) / (p.x[k + 1] - p.x[k]);
  if (ka === kb) return segmentPrimitive(p, ka, local(ka, b)) - segmentPrimitive(p, ka, local(ka, a));
  let s = segmentPrimitive(p, ka, 1) - segmentPrimitive(p, ka, local(ka, a));
  for (let k = ka + 1; k < kb; k++) s += segmentPrimitive(p, k, 1);
  s += segmentPrimitive(p, kb, local(kb, b));
  return s;
}
