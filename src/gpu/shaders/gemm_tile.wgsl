// Shared core of the tiled implicit-GEMM kernels (conv2d.wgsl, gdn.wgsl); the TypeScript descriptor prepends
// a prelude defining WG_M and WG_N (threads along M = output channels and N = output pixels, WG_M·WG_N = 256)
// and appends the op's file, which declares `Wt` (weights as vec4) and stages B.
//
// Y[m][n] = Σ_k A[m][k] · B[k][n]: A = weights, stored transposed as [k][M4] vec4 rows (M padded to a multiple
// of 4 on upload), B = the op's gathered input (im2col on the fly, never materialized). A workgroup computes a
// TM×TN tile of Y; each thread a 4×4 register tile (4 channels × 4 consecutive pixels, vec4 accumulators); the
// reduction runs in chunks of TK staged in workgroup memory, so each input value fetched from global memory is
// reused TM times and each weight TN times. Staging moves whole vec4s (one weight vec4 per thread, B as groups
// of 4 consecutive pixels).
const TM: u32 = 4u * WG_M;
const TN: u32 = 4u * WG_N;
const TK: u32 = 16u;
const WG: u32 = WG_M * WG_N;
const TM4: u32 = TM / 4u;
const TN4: u32 = TN / 4u;

var<workgroup> As: array<vec4<f32>, TK * TM4>; // As[k][m / 4]: TK rows of TM weights
var<workgroup> Bs: array<vec4<f32>, TK * TN4>; // Bs[k][n / 4]: TK rows of TN gathered inputs
// Accumulators: acc_i[j] = channel m0 + 4·ty + i, pixel n0 + 4·tx + j (four variables, not an array, so no
// compiler has to keep them in indexable memory).
var<private> acc0: vec4<f32>;
var<private> acc1: vec4<f32>;
var<private> acc2: vec4<f32>;
var<private> acc3: vec4<f32>;

fn acc_row(i: u32) -> vec4<f32> {
  switch (i) {
    case 0u: { return acc0; }
    case 1u: { return acc1; }
    case 2u: { return acc2; }
    default: { return acc3; }
  }
}

// Stages A rows k0 … k0+TK, channels m0 … m0+TM from Wt[a_off4 + k·m4 + m/4] (vec4), zero outside kdim × m4.
fn stage_a(t: u32, m0: u32, k0: u32, m4: u32, kdim: u32, a_off4: u32) {
  for (var i = t; i < TK * TM4; i += WG) {
    let k = i / TM4;
    let mg = i % TM4;
    var v = vec4<f32>(0.0);
    if (k0 + k < kdim && m0 / 4u + mg < m4) {
      v = Wt[a_off4 + (k0 + k) * m4 + m0 / 4u + mg];
    }
    As[i] = v;
  }
}

// acc += A_tile · B_tile for this thread's 4×4 outputs: 16 FMAs per two vec4 reads of workgroup memory.
fn mac_tile(tx: u32, ty: u32) {
  var c0 = acc0;
  var c1 = acc1;
  var c2 = acc2;
  var c3 = acc3;
  for (var k = 0u; k < TK; k++) {
    let a = As[k * TM4 + ty];
    let b = Bs[k * TN4 + tx];
    c0 += a.x * b;
    c1 += a.y * b;
    c2 += a.z * b;
    c3 += a.w * b;
  }
  acc0 = c0;
  acc1 = c1;
  acc2 = c2;
  acc3 = c3;
}
