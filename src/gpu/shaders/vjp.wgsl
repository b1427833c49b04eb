// Vector–Jacobian products (gradients w.r.t. an op's input) of the elementwise ops, and the distortion's gradient,
// for encode-time latent refinement (issue 20; float64 oracle: src/codecs/learned/refine/vjp.ts). One thread per
// element; the linear id folds a 2-D grid as elementwise.wgsl does.

// Params (P): generated from VJP_PARAMS in ops/vjp.ts (src/gpu/params.ts): n elements, hw (H·W: the pixel of
// element i is i % hw), alpha (LeakyReLU slope or the scale), at_zero (the derivative at exactly 0).
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> B: array<f32>;
@group(0) @binding(3) var<storage, read_write> O: array<f32>;
@group(0) @binding(4) var<storage, read> Wt: array<f32>;
@group(0) @binding(5) var<storage, read_write> S: array<f32>;

fn id(wid: vec3<u32>, nwg: vec3<u32>, lid: vec3<u32>) -> u32 {
  return (wid.y * nwg.x + wid.x) * 256u + lid.x;
}

// (leaky) ReLU: gx = g · (v > 0 ? 1 : v < 0 ? alpha : at_zero), A = v, B = g. v may be the op's input or its
// output (both have the same sign for a slope ≥ 0), so a conv with a fused activation keeps only its output.
@compute @workgroup_size(256)
fn act_vjp(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = id(wid, nwg, lid);
  if (i >= P.n) { return; }
  let v = A[i];
  var d = P.at_zero;
  if (v > 0.0) { d = 1.0; } else if (v < 0.0) { d = P.alpha; }
  O[i] = B[i] * d;
}

// y = x · alpha (int_to_float's scale): gx = g · alpha, A = g.
@compute @workgroup_size(256)
fn scale_vjp(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = id(wid, nwg, lid);
  if (i < P.n) { O[i] = A[i] * P.alpha; }
}

// D = Σ_i wt[i % hw] · (x̂_i − x_i)², A = x̂, B = x, Wt = per-pixel weights: O = dD/dx̂ = 2·wt·(x̂ − x), and
// S[workgroup] = that workgroup's share of D (a tree sum in workgroup memory; the caller adds the partial sums).
var<workgroup> part: array<f32, 256>;

@compute @workgroup_size(256)
fn distortion_grad(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = id(wid, nwg, lid);
  var d = 0.0;
  if (i < P.n) {
    let e = A[i] - B[i];
    let w = Wt[i % P.hw];
    O[i] = 2.0 * w * e;
    d = w * e * e;
  }
  part[lid.x] = d;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s >>= 1u) {
    if (lid.x < s) { part[lid.x] += part[lid.x + s]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { S[wid.y * nwg.x + wid.x] = part[0]; }
}
