// RGBA8 image ↔ planar 3×H×W f32 in [0, 1]. Pixels are packed little-endian (r | g<<8 | b<<16 | a<<24), exactly
// the bytes of an ImageData. Back to 8 bits: round-half-even(clamp(v, 0, 1) · 255), alpha 255.

// Params (P): generated from IMAGE_PARAMS in ops/image.ts (src/gpu/params.ts).
@group(0) @binding(1) var<storage, read> A: array<u32>;
@group(0) @binding(2) var<storage, read_write> O: array<u32>;

@compute @workgroup_size(256)
fn rgba8_to_chw(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                @builtin(num_workgroups) nwg: vec3<u32>) {
  let p = (wid.y * nwg.x + wid.x) * 256u + lid.x;
  if (p >= P.hw) { return; }
  let px = A[p];
  for (var c = 0u; c < 3u; c++) {
    O[c * P.hw + p] = bitcast<u32>(f32((px >> (8u * c)) & 255u) / 255.0);
  }
}

@compute @workgroup_size(256)
fn chw_to_rgba8(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                @builtin(num_workgroups) nwg: vec3<u32>) {
  let p = (wid.y * nwg.x + wid.x) * 256u + lid.x;
  if (p >= P.hw) { return; }
  var px = 255u << 24u;
  for (var c = 0u; c < 3u; c++) {
    let v = clamp(bitcast<f32>(A[c * P.hw + p]), 0.0, 1.0);
    px |= u32(round(v * 255.0)) << (8u * c);
  }
  O[p] = px;
}
