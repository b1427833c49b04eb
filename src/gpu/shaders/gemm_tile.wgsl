// Shared core of the tiled implicit-GEMM kernels (conv2d.wgsl, gdn.wgsl); the TypeScript descriptor prepends
// a prelude defining WG_M and WG_N (threads along M = output channels and N = output pixels, WG_M·WG_N = 256)
// and appends the op's file, which declares the weight array `Wt` and the B-staging code.
//
// Y[m][n] = Σ_k A[m][k] · B[k][n]: A = weights (row-major, one row per output channel), B = the op's gathered
// input (im2col on the fly, never materialized). A workgroup computes a TM×TN tile of Y; each thread a 4×4
// register tile (4 channels × 4 consecutive pixels, as vec4 accumulators); the reduction runs in chunks of TK
// staged in workgroup memory, so every input value fetched from global memory is reused TM times and every
// weight TN times.
const TM: u32 = 4u * WG_M;
const TN: u32 = 4u * WG_N;
const TK: u32 = 16u;
const WG: u32 = WG_M * WG_N;

var<workgroup> As: array<vec4<f32>, TK * TM / 4u>; // As[k][m / 4]: TK rows of TM weights
var<workgroup> Bs: array<vec4<f32>, TK * TN / 4u>; // Bs[k][n / 4]: TK rows of TN gathered inputs
var<private> acc: array<vec4<f32>, 4>; // acc[i][j]: channel m0 + 4·ty + i, pixel n0 + 4·tx + j

// Stages A[m0 … m0+TM)[k0 … k0+TK) from Wt[a_off + m·kdim + k], zero outside mcount × kdim.
// Consecutive threads read consecutive k of one weight row.
fn stage_a(t: u32, m0: u32, k0: u32, mcount: u32, kdim: u32, a_off: u32) {
  for (var i = t; i < TM * TK; i += WG) {
    let m = i / TK;
    let k = i % TK;
    var v = 0.0;
    if (m0 + m < mcount && k0 + k < kdim) {
      v = Wt[a_off + (m0 + m) * kdim + k0 + k];
    }
    As[k * (TM / 4u) + m / 4u][m % 4u] = v;
  }
}

fn set_b(k: u32, n: u32, v: f32) {
  Bs[k * (TN / 4u) + n / 4u][n % 4u] = v;
}

// acc += A_tile · B_tile for this thread's 4×4 outputs: 16 FMAs per two vec4 reads of workgroup memory.
fn mac_tile(tx: u32, ty: u32) {
  for (var k = 0u; k < TK; k++) {
    let a = As[k * (TM / 4u) + ty];
    let b = Bs[k * (TN / 4u) + tx];
    acc[0] += a.x * b;
    acc[1] += a.y * b;
    acc[2] += a.z * b;
    acc[3] += a.w * b;
  }
}
