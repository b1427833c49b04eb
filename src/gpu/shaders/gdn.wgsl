// GDN and inverse GDN (CompressAI): y_i = x_i · rsqrt(β_i + Σ_j γ_ij x_j²)  /  y_i = x_i · sqrt(β_i + Σ_j γ_ij x_j²).
// The normalizer is a 1×1 convolution of x² with the C×C matrix γ, so this runs on the tiled GEMM core
// (gemm_tile.wgsl) with B[j][n] = x[j, n]² and the (I)GDN as the epilogue. β and γ are the effective
// (already reparametrized) values. Planar CHW f32.

// Params (P): generated from GDN_PARAMS in ops/gdn.ts (src/gpu/params.ts).
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> Wt: array<vec4<f32>>; // γ transposed: [j][i], i padded to c4·4
@group(0) @binding(3) var<storage, read> Beta: array<f32>;
@group(0) @binding(4) var<storage, read_write> Y: array<f32>;

@compute @workgroup_size(WG_N, WG_M, 1)
fn gdn(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
       @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = lid.y * WG_N + lid.x;
  let n0 = (wid.z * nwg.x + wid.x) * TN;
  if (n0 >= P.npix) { return; }
  let m0 = wid.y * TM;
  // This thread stages pixel group ng (4 consecutive pixels) of B = x² for rows t / TN4 + j·(WG / TN4).
  let ng = t % TN4;
  let p = n0 + 4u * ng;
  for (var k0 = 0u; k0 < P.c; k0 += TK) {
    stage_a(t, m0, k0, P.c4, P.c, 0u);
    for (var j = 0u; j < TK * TN4 / WG; j++) {
      let k = t / TN4 + j * (WG / TN4);
      var v = vec4<f32>(0.0);
      if (k0 + k < P.c) {
        let row = (k0 + k) * P.npix;
        for (var e = 0u; e < 4u; e++) {
          if (p + e < P.npix) {
            let xv = X[row + p + e];
            v[e] = xv * xv;
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
    if (co < P.c) {
      let beta = Beta[co];
      for (var j = 0u; j < 4u; j++) {
        let q = n0 + lid.x * 4u + j;
        if (q < P.npix) {
          let norm = beta + row[j];
          let xv = X[co * P.npix + q];
          if (P.inverse != 0u) {
            Y[co * P.npix + q] = xv * sqrt(norm);
          } else {
            Y[co * P.npix + q] = xv * inverseSqrt(norm);
          }
        }
      }
    }
  }
}
