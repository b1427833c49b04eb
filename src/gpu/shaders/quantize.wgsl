// Quantization (CompressAI `quantize`): symbols q = round(x − μ) as i32, dequantized q + μ as f32.
// WGSL round() rounds half to even, like torch.round. μ is absent (mode 0), one value per channel (1),
// or a full tensor of the same shape (2). The output buffer is array<u32> holding f32 or i32 bits.

// Params (P): generated from QUANTIZE_PARAMS in ops/quantize.ts (src/gpu/params.ts).
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> M: array<f32>;
@group(0) @binding(3) var<storage, read_write> O: array<u32>;

fn mean_at(i: u32) -> f32 {
  if (P.means_mode == 1u) { return M[i / P.hw]; }
  if (P.means_mode == 2u) { return M[i]; }
  return 0.0;
}

@compute @workgroup_size(256)
fn quantize_dequant(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                    @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid.x;
  if (i >= P.n) { return; }
  let mu = mean_at(i);
  O[i] = bitcast<u32>(round(X[i] - mu) + mu);
}

@compute @workgroup_size(256)
fn quantize_symbols(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                    @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid.x;
  if (i >= P.n) { return; }
  O[i] = bitcast<u32>(i32(round(X[i] - mean_at(i))));
}
