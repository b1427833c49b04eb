// The checkerboard context layer (op checkerboard_iconv2d; docs/learned-codecs.md "Checkerboard context"), exact
// integer arithmetic, bit-identical to the CPU path (../int/iconv.ts with parity 1, clip):
//   non-anchors ((y + x) odd): acc = bias[o] + Σ_{i, ky + kx odd} w[o,i,ky,kx] · clamp(x[i, y+ky−p, x+kx−p], ±clip)
//                              out = clamp(trunc_div(acc + (c >> 1), c), lo, hi)
//   anchors ((y + x) even):    out = 0
// Only the needed half is computed: one thread per output channel and *pair* of positions of a row (one anchor,
// one non-anchor), which writes the anchor's 0 and sums the non-anchor's taps with ky + kx odd (12 of 25 for
// 5×5) — the only taps that land on anchors, so only anchors are read. A quarter of a generic conv's
// multiply-adds. Stride 1. Planar CHW i32; weights OIHW i32; Q[o] = (bias, divisor c > 0, lo, hi).

// Params (P): generated from CHECKERBOARD_PARAMS in ops/checkerboard.ts (src/gpu/params.ts).
@group(0) @binding(1) var<storage, read> X: array<i32>;
@group(0) @binding(2) var<storage, read> Wt: array<i32>;
@group(0) @binding(3) var<storage, read> Q: array<vec4<i32>>;
@group(0) @binding(4) var<storage, read_write> Y: array<i32>;

@compute @workgroup_size(256)
fn checkerboard(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = (wid.y * nwg.x + wid.x) * 256u + lid.x;
  if (idx >= P.total) { return; }
  // idx → (channel, row, pair); the pair's anchor is at 2·pair + (row & 1), its non-anchor at 2·pair + 1 − (row & 1)
  let rowPairs = P.pairs;
  let co = idx / (P.hout * rowPairs);
  let rem = idx % (P.hout * rowPairs);
  let oy = rem / rowPairs;
  let pair = rem % rowPairs;
  let xa = 2u * pair + (oy & 1u);
  let xn = 2u * pair + 1u - (oy & 1u);
  let base = (co * P.hout + oy) * P.wout;
  if (xa < P.wout) { Y[base + xa] = 0; }
  if (xn >= P.wout) { return; }
  let K = P.k;
  let iy0 = i32(oy) - i32(P.pad);
  let ix0 = i32(xn) - i32(P.pad);
  let clip = i32(P.clip);
  let q = Q[co];
  var acc: i32 = q.x;
  for (var ci = 0u; ci < P.cin; ci++) {
    for (var ky = 0u; ky < K; ky++) {
      let iy = iy0 + i32(ky);
      if (iy < 0 || iy >= i32(P.hin)) { continue; }
      let wrow = ((co * P.cin + ci) * K + ky) * K;
      let xrow = (ci * P.hin + u32(iy)) * P.win;
      // the taps with ky + kx odd: kx = 1 − (ky & 1), then every other one
      for (var kx = 1u - (ky & 1u); kx < K; kx += 2u) {
        let ix = ix0 + i32(kx);
        if (ix < 0 || ix >= i32(P.win)) { continue; }
        acc += Wt[wrow + kx] * clamp(X[xrow + u32(ix)], -clip, clip);
      }
    }
  }
  Y[base + xn] = clamp((acc + (q.y >> 1u)) / q.y, q.z, q.w);
}
