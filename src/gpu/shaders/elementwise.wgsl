// Elementwise ops on planar CHW tensors. Buffers are declared array<u32> and reinterpreted with bitcast, so the
// i32 → f32 conversion reads integer bits without ever loading them as floats (which could flush "denormals").
// One thread per element; the linear id folds a 2-D grid (x ≤ 65535 workgroups) for large tensors.

// Params (P): generated from ELEMENTWISE_PARAMS in ops/elementwise.ts (src/gpu/params.ts): n, hw (H·W: channel of element i is i / hw), alpha (LeakyReLU slope), scale (i32_to_f32 multiplier).
@group(0) @binding(1) var<storage, read> A: array<u32>;
@group(0) @binding(2) var<storage, read> B: array<u32>;
@group(0) @binding(3) var<storage, read_write> O: array<u32>;

fn id(wid: vec3<u32>, nwg: vec3<u32>, lid: vec3<u32>) -> u32 {
  return (wid.y * nwg.x + wid.x) * 256u + lid.x;
}
fn a(i: u32) -> f32 { return bitcast<f32>(A[i]); }
fn put(i: u32, v: f32) { O[i] = bitcast<u32>(v); }

@compute @workgroup_size(256)
fn relu(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = id(wid, nwg, lid);
  if (i < P.n) { put(i, max(a(i), 0.0)); }
}

@compute @workgroup_size(256)
fn leaky_relu(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = id(wid, nwg, lid);
  if (i < P.n) { let v = a(i); put(i, select(P.alpha * v, v, v >= 0.0)); }
}

@compute @workgroup_size(256)
fn abs_(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = id(wid, nwg, lid);
  if (i < P.n) { put(i, abs(a(i))); }
}

@compute @workgroup_size(256)
fn add(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = id(wid, nwg, lid);
  if (i < P.n) { put(i, a(i) + bitcast<f32>(B[i])); }
}

// y[c, …] = x[c, …] · v[c]
@compute @workgroup_size(256)
fn mul_channel(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = id(wid, nwg, lid);
  if (i < P.n) { put(i, a(i) * bitcast<f32>(B[i / P.hw])); }
}

// f32(x) · scale; exact for |x| < 2²⁴ when scale is a power of two.
@compute @workgroup_size(256)
fn i32_to_f32(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = id(wid, nwg, lid);
  if (i < P.n) { put(i, f32(bitcast<i32>(A[i])) * P.scale); }
}
