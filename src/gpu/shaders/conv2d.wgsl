// conv2d (any kernel size, stride 1 or 2, zero padding, bias, optional fused ReLU/LeakyReLU) and stride-2
// transposed conv2d, as tiled implicit GEMM on gemm_tile.wgsl. Planar CHW f32.
//
// One entry point serves both, as a "generalized convolution" over an output grid (qy, qx):
//   output pixel  (qy·osy + py, qx·osx + px)
//   input base    (qy·isy + ioy, qx·isx + iox)
//   reduction k → tap (ci, dy, dx) from the layer's tap table: input (ci, base_y + dy, base_x + dx), zero outside.
// conv2d:           grid = output, osy = 1, isy = stride, ioy = −pad, taps (ci, ky, kx), A = weights OIHW.
// conv2d_transpose: one dispatch per output phase (py, px) ∈ {0,1}²: output (2qy+py, 2qx+px) only sees taps
//                   ky ≡ py+pad (mod 2), so each phase is an ordinary convolution over the phase grid with
//                   taps (ci, −ty, −tx) for ky = ky0 + 2ty, and iy = qy + (py + pad − ky0)/2 − ty.
//                   Weights are repacked per phase on upload (ops/conv2d.ts) at offset a_off.
// The tap table replaces per-element integer divisions and lets one pipeline serve every kernel size/stride.
// Tap word: ci << 16 | (dy + 128) << 8 | (dx + 128).

// Params (P): generated from CONV2D_PARAMS in ops/conv2d.ts (src/gpu/params.ts).
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> Wt: array<vec4<f32>>; // [k][cout4], see gemm_tile.wgsl
@group(0) @binding(3) var<storage, read> Bias: array<f32>;
@group(0) @binding(4) var<storage, read> Taps: array<u32>;
@group(0) @binding(5) var<storage, read_write> Y: array<f32>;

fn activate(v: f32) -> f32 {
  if (P.act == 1u) { return max(v, 0.0); }
  if (P.act == 2u) { return select(P.alpha * v, v, v >= 0.0); }
  return v;
}

@compute @workgroup_size(WG_N, WG_M, 1)
fn conv2d(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
          @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = lid.y * WG_N + lid.x;
  let n0 = (wid.z * nwg.x + wid.x) * TN;
  if (n0 >= P.npix) { return; }
  let m0 = wid.y * TM;
  // This thread stages pixel group ng (4 consecutive output pixels) of B for rows t / TN4 + j·(WG / TN4).
  let ng = t % TN4;
  var by: array<i32, 4>;
  var bx: array<i32, 4>;
  var pv: array<bool, 4>;
  for (var e = 0u; e < 4u; e++) {
    let p = n0 + 4u * ng + e;
    pv[e] = p < P.npix;
    by[e] = i32((p / P.gw) * P.isy) + P.ioy;
    bx[e] = i32((p % P.gw) * P.isx) + P.iox;
  }
  let hin = i32(P.hin);
  let win = i32(P.win);
  for (var k0 = 0u; k0 < P.kdim; k0 += TK) {
    stage_a(t, m0, k0, P.cout4, P.kdim, P.a_off4);
    for (var j = 0u; j < TK * TN4 / WG; j++) {
      let k = t / TN4 + j * (WG / TN4);
      let gk = k0 + k;
      var v = vec4<f32>(0.0);
      if (gk < P.kdim) {
        let tap = Taps[P.t_off + gk];
        let plane = (tap >> 16u) * P.hin;
        let dy = i32((tap >> 8u) & 255u) - 128;
        let dx = i32(tap & 255u) - 128;
        for (var e = 0u; e < 4u; e++) {
          let iy = by[e] + dy;
          let ix = bx[e] + dx;
          if (pv[e] && iy >= 0 && iy < hin && ix >= 0 && ix < win) {
            v[e] = X[(plane + u32(iy)) * P.win + u32(ix)];
          }
        }
      }
      Bs[k * TN4 + ng] = v;
    }
    workgroupBarrier();
    mac_tile(lid.x, lid.y);
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    let co = m0 + lid.y * 4u + i;
    let row = acc_row(i);
    if (co < P.cout) {
      var b = 0.0;
      if (P.has_bias != 0u) { b = Bias[co]; }
      for (var j = 0u; j < 4u; j++) {
        let q = n0 + lid.x * 4u + j;
        if (q < P.npix) {
          let oy = (q / P.gw) * P.osy + P.py;
          let ox = (q % P.gw) * P.osx + P.px;
          Y[(co * P.hout + oy) * P.wout + ox] = activate(row[j] + b);
        }
      }
    }
  }
}
