// GDN and inverse GDN (CompressAI): y_i = x_i · rsqrt(β_i + Σ_j γ_ij x_j²)  /  y_i = x_i · sqrt(β_i + Σ_j γ_ij x_j²).
// The normalizer is a 1×1 convolution of x² with the C×C matrix γ, so this runs on the tiled GEMM core
// (gemm_tile.wgsl) with B[j][n] = x[j, n]² and the (I)GDN as the epilogue. β and γ are the effective
// (already reparametrized) values. Planar CHW f32.

struct Params {
  c: u32, npix: u32, inverse: u32, pad_: u32,
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> Wt: array<f32>; // γ, row-major [i][j]
@group(0) @binding(3) var<storage, read> Beta: array<f32>;
@group(0) @binding(4) var<storage, read_write> Y: array<f32>;

@compute @workgroup_size(WG_N, WG_M, 1)
fn gdn(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
       @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = lid.y * WG_N + lid.x;
  let n0 = (wid.z * nwg.x + wid.x) * TN;
  if (n0 >= P.npix) { return; }
  let m0 = wid.y * TM;
  let n = t % TN;
  let p = n0 + n;
  let pv = p < P.npix;
  for (var k0 = 0u; k0 < P.c; k0 += TK) {
    stage_a(t, m0, k0, P.c, P.c, 0u);
    for (var j = 0u; j < TK * TN / WG; j++) {
      let k = t / TN + j * (WG / TN);
      var v = 0.0;
      if (pv && k0 + k < P.c) {
        let xv = X[(k0 + k) * P.npix + p];
        v = xv * xv;
      }
      set_b(k, n, v);
    }
    workgroupBarrier();
    mac_tile(lid.x, lid.y);
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    let co = m0 + lid.y * 4u + i;
    if (co < P.c) {
      let beta = Beta[co];
      for (var j = 0u; j < 4u; j++) {
        let q = n0 + lid.x * 4u + j;
        if (q < P.npix) {
          let norm = beta + acc[i][j];
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
