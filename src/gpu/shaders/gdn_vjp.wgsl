// The VJP of GDN / IGDN w.r.t. its input (refinement, issue 20; float64 oracle: refine/vjp.ts gdnVjp):
//   y_i = x_i · n_i^(±½),  n_i = β_i + Σ_j γ_ij x_j²
//   gx_k = g_k · n_k^(±½) + 2 x_k Σ_i γ_ik u_i,   u_i = ±½ · g_i · x_i · n_i^(±½ − 1)
// in two passes on the tiled GEMM core (gemm_tile.wgsl), each a 1×1 convolution:
//   gdn_vjp_u: A = γ, B = x² (as the forward) → epilogue U = u, GX = g · n^(±½)
//   gdn_vjp_x: A = γᵀ, B = U               → epilogue GX += 2 · x · (γᵀ U)
// Planar CHW f32; both entry points share one binding layout.

// Params (P): generated from GDN_VJP_PARAMS in ops/vjp.ts (src/gpu/params.ts).
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> Wt: array<vec4<f32>>; // γ (pass 1) or γᵀ (pass 2), packed as gemm_tile.wgsl reads A
@group(0) @binding(3) var<storage, read> Beta: array<f32>;
@group(0) @binding(4) var<storage, read> G: array<f32>;
@group(0) @binding(5) var<storage, read_write> U: array<f32>;
@group(0) @binding(6) var<storage, read_write> GX: array<f32>;

// Stages B rows k0 … k0+TK for this thread's pixel group: x² (square != 0) or U.
fn stage_b(t: u32, n0: u32, k0: u32, square: bool) {
  let ng = t % TN4;
  let p = n0 + 4u * ng;
  for (var j = 0u; j < TK * TN4 / WG; j++) {
    let k = t / TN4 + j * (WG / TN4);
    var v = vec4<f32>(0.0);
    if (k0 + k < P.c) {
      let row = (k0 + k) * P.npix;
      for (var e = 0u; e < 4u; e++) {
        if (p + e < P.npix) {
          if (square) {
            let xv = X[row + p + e];
            v[e] = xv * xv;
          } else {
            v[e] = U[row + p + e];
          }
        }
      }
    }
    Bs[k * TN4 + ng] = v;
  }
}

@compute @workgroup_size(WG_N, WG_M, 1)
fn gdn_vjp_u(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
             @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = lid.y * WG_N + lid.x;
  let n0 = (wid.z * nwg.x + wid.x) * TN;
  if (n0 >= P.npix) { return; }
  let m0 = wid.y * TM;
  for (var k0 = 0u; k0 < P.c; k0 += TK) {
    stage_a(t, m0, k0, P.c4, P.c, 0u);
    stage_b(t, n0, k0, true);
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
          let at = co * P.npix + q;
          let n = beta + row[j];
          let r = inverseSqrt(n);
          let gv = G[at];
          let gxv = gv * X[at];
          if (P.inverse != 0u) {
            GX[at] = gv * n * r; // g·√n
            U[at] = 0.5 * gxv * r;
          } else {
            GX[at] = gv * r;
            U[at] = -0.5 * gxv * r / n;
          }
        }
      }
    }
  }
}

@compute @workgroup_size(WG_N, WG_M, 1)
fn gdn_vjp_x(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
             @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = lid.y * WG_N + lid.x;
  let n0 = (wid.z * nwg.x + wid.x) * TN;
  if (n0 >= P.npix) { return; }
  let m0 = wid.y * TM;
  for (var k0 = 0u; k0 < P.c; k0 += TK) {
    stage_a(t, m0, k0, P.c4, P.c, 0u);
    stage_b(t, n0, k0, false);
    workgroupBarrier();
    mac_tile(lid.x, lid.y);
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    let co = m0 + lid.y * 4u + i;
    let row = acc_row(i);
    if (co < P.c) {
      for (var j = 0u; j < 4u; j++) {
        let q = n0 + lid.x * 4u + j;
        if (q < P.npix) {
          let at = co * P.npix + q;
          GX[at] += 2.0 * X[at] * row[j];
        }
      }
    }
  }
}
