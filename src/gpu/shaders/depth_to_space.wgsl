// Depth-to-space ×R (PyTorch PixelShuffle, ONNX DepthToSpace mode CRD) on 32-bit words, so the same kernel
// moves f32 and i32 tensors bit for bit: out[c, y·R+i, x·R+j] = in[c·R² + i·R + j, y, x]. One thread per output.

// Params (P): generated from DEPTH_TO_SPACE_PARAMS in ops/depth_to_space.ts (src/gpu/params.ts).
@group(0) @binding(1) var<storage, read> A: array<u32>;
@group(0) @binding(2) var<storage, read_write> O: array<u32>;

override R: u32 = 2u;

@compute @workgroup_size(256)
fn depth_to_space(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                  @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = (wid.y * nwg.x + wid.x) * 256u + lid.x;
  if (idx >= P.n) { return; }
  let wo = P.w_in * R;
  let ho = P.h_in * R;
  let ox = idx % wo;
  let t = idx / wo;
  let oy = t % ho;
  let c = t / ho;
  let ci = (c * R + oy % R) * R + ox % R;
  O[idx] = A[(ci * P.h_in + oy / R) * P.w_in + ox / R];
}

// The inverse permutation, space-to-depth (CRD order; the VJP of depth_to_space): out[c·R² + i·R + j, y, x] =
// in[c, y·R+i, x·R+j]. P.h_in, P.w_in are the small grid's (the output's) height and width; one thread per output.
@compute @workgroup_size(256)
fn space_to_depth(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                  @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = (wid.y * nwg.x + wid.x) * 256u + lid.x;
  if (idx >= P.n) { return; }
  let x = idx % P.w_in;
  let t = idx / P.w_in;
  let y = t % P.h_in;
  let cc = t / P.h_in;
  let c = cc / (R * R);
  let i = (cc / R) % R;
  let j = cc % R;
  O[idx] = A[((c * P.h_in + y) * R + i) * (P.w_in * R) + x * R + j];
}
