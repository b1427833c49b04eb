// Integer conv2d ("iconv") for bit-exact integer networks. Must equal src/gpu/int/iconv.ts bit for bit:
//   acc = bias[o] + Σ w·x  (i32, wrapping — WGSL concrete i32 arithmetic is two's complement mod 2³²)
//   out = clamp(trunc_div(acc + (c >> 1), c), lo, hi)
// WGSL's i32 `/` truncates toward zero; since lo ≥ 0, truncation and floor give the same clamped result (a
// negative numerator yields a quotient ≤ 0, clamped to lo either way). Integer sums are exact and
// order-independent, so any summation order gives the same bits. One thread per output element: these
// layers run on the 1/64-resolution hyper-latent grid, where a tiled kernel buys nothing.
// Planar CHW; weights OIHW int32; Q[o] = (bias, divisor c > 0, lo, hi).

// Params (P): generated from ICONV_PARAMS in ops/conv2d_int.ts (src/gpu/params.ts).
@group(0) @binding(1) var<storage, read> X: array<i32>;
@group(0) @binding(2) var<storage, read> Wt: array<i32>;
@group(0) @binding(3) var<storage, read> Q: array<vec4<i32>>;
@group(0) @binding(4) var<storage, read_write> Y: array<i32>;

@compute @workgroup_size(256)
fn iconv(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
         @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = (wid.y * nwg.x + wid.x) * 256u + lid.x;
  if (idx >= P.total) { return; }
  let plane = P.hout * P.wout;
  let co = idx / plane;
  let p = idx % plane;
  let K = P.k;
  let iy0 = i32((p / P.wout) * P.stride) - i32(P.pad);
  let ix0 = i32((p % P.wout) * P.stride) - i32(P.pad);
  let q = Q[co];
  var acc: i32 = q.x;
  for (var ci = 0u; ci < P.cin; ci++) {
    for (var ky = 0u; ky < K; ky++) {
      let iy = iy0 + i32(ky);
      if (iy < 0 || iy >= i32(P.hin)) { continue; }
      let wrow = ((co * P.cin + ci) * K + ky) * K;
      let xrow = (ci * P.hin + u32(iy)) * P.win;
      for (var kx = 0u; kx < K; kx++) {
        let ix = ix0 + i32(kx);
        if (ix < 0 || ix >= i32(P.win)) { continue; }
        acc += Wt[wrow + kx] * X[xrow + u32(ix)];
      }
    }
  }
  Y[idx] = clamp((acc + (q.y >> 1u)) / q.y, q.z, q.w);
}
