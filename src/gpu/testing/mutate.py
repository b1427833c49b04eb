# Mutation check for the engine's tests: applies one deliberate bug at a time to a kernel (or the CPU iconv),
# runs the tests that cover it, expects them to fail, and restores the file. Run from the repository root:
#   python3 src/gpu/testing/mutate.py [name filter…]      (about 2–3 minutes on SwiftShader)
import subprocess, sys, os
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..'))
M = [
 ('gemm mac uses wrong weight lane', 'src/gpu/shaders/gemm_tile.wgsl', 'c0 += a.x * b;', 'c0 += a.y * b;', 'src/gpu/ops/conv2d.gpu'),
 ('gemm ignores channel-tile offset', 'src/gpu/shaders/gemm_tile.wgsl', 'v = Wt[a_off4 + (k0 + k) * m4 + m0 / 4u + mg];', 'v = Wt[a_off4 + (k0 + k) * m4 + mg];', 'src/gpu/ops/conv2d.gpu'),
 ('conv drops bias', 'src/gpu/shaders/conv2d.wgsl', 'if (P.has_bias != 0u) { b = Bias[co]; }', 'if (P.has_bias == 7u) { b = Bias[co]; }', 'src/gpu/ops/conv2d.gpu'),
 ('deconv drops output phase', 'src/gpu/shaders/conv2d.wgsl', 'let oy = (q / P.gw) * P.osy + P.py;', 'let oy = (q / P.gw) * P.osy;', 'src/gpu/ops/conv2d.gpu'),
 ('conv taps kx/ky swapped', 'src/gpu/ops/conv2d.ts', 't[i++] = tapWord(ci, ky, kx);', 't[i++] = tapWord(ci, kx, ky);', 'src/gpu/ops/conv2d.gpu'),
 ('gdn uses sqrt instead of rsqrt', 'src/gpu/shaders/gdn.wgsl', 'Y[co * P.npix + q] = xv * inverseSqrt(norm);', 'Y[co * P.npix + q] = xv * sqrt(norm);', 'src/gpu/ops/gdn'),
 ('gdn gamma transposed', 'src/gpu/ops/gdn.ts', "packGemmWeights(p.gamma, p.channels, p.channels)", "packGemmWeights(Float32Array.from({ length: p.channels * p.channels }, (_, i) => p.gamma[(i % p.channels) * p.channels + Math.floor(i / p.channels)]), p.channels, p.channels)", 'src/gpu/ops/gdn'),
 ('elementwise ignores grid fold', 'src/gpu/shaders/elementwise.wgsl', 'return (wid.y * nwg.x + wid.x) * 256u + lid.x;', 'return wid.x * 256u + lid.x;', 'src/gpu/engine.gpu'),
 ('gemm ignores grid fold', 'src/gpu/shaders/conv2d.wgsl', 'let n0 = (wid.z * nwg.x + wid.x) * TN;', 'let n0 = wid.x * TN;', 'src/gpu/engine.gpu'),
 ('depth-to-space swaps sub-pixel axes', 'src/gpu/shaders/depth_to_space.wgsl', 'let ci = (c * R + oy % R) * R + ox % R;', 'let ci = (c * R + ox % R) * R + oy % R;', 'src/gpu/ops/elementwise'),
 ('quantize floors instead of rounding', 'src/gpu/shaders/quantize.wgsl', 'O[i] = bitcast<u32>(i32(round(X[i] - mean_at(i))));', 'O[i] = bitcast<u32>(i32(floor(X[i] - mean_at(i) + 0.5)));', 'src/gpu/ops/entropy'),
 ('erfc coefficient off by 2e-4', 'src/gpu/shaders/entropy.wgsl', '1.00002368', '1.00022368', 'src/gpu/ops/entropy'),
 ('scale index uses > instead of >=', 'src/gpu/shaders/entropy.wgsl', 'if (B[j] >= s) {', 'if (B[j] > s) {', 'src/gpu/ops/entropy'),
 ('bits map uses ln instead of log2', 'src/gpu/shaders/entropy.wgsl', 'bits -= log2(A[c * P.n + p]);', 'bits -= log(A[c * P.n + p]);', 'src/gpu/ops/entropy'),
 ('iconv rounding offset c>>2', 'src/gpu/shaders/conv2d_int.wgsl', 'Y[idx] = clamp((acc + (q.y >> 1u)) / q.y, q.z, q.w);', 'Y[idx] = clamp((acc + (q.y >> 2u)) / q.y, q.z, q.w);', 'src/gpu/ops/conv2d_int'),
 ('image divides by 256', 'src/gpu/shaders/image.wgsl', '/ 255.0);', '/ 256.0);', 'src/gpu/ops/image'),
 ('leaky relu slope applied to positives', 'src/gpu/shaders/elementwise.wgsl', 'put(i, select(P.alpha * v, v, v >= 0.0));', 'put(i, select(P.alpha * v, v, v < 0.0));', 'src/gpu/ops/elementwise'),
 ('cpu iconv floor division', 'src/gpu/int/iconv.ts', 'const v = Math.trunc(((acc[q] + half) | 0) / c);', 'const v = Math.floor(((acc[q] + half) | 0) / c) + (acc[q] % 7 === 3 ? 1 : 0);', 'src/gpu/int/'),
]
only = sys.argv[1:]
res = []
for name, path, old, new, tests in M:
    if only and not any(o in name for o in only): continue
    src = open(path).read()
    assert src.count(old) >= 1, (name, old)
    open(path, 'w').write(src.replace(old, new, 1))
    try:
        proj = 'unit' if tests.startswith('src/gpu/int') else 'gpu'
        r = subprocess.run(['npx', 'vitest', 'run', '--project', proj, tests], capture_output=True, text=True, timeout=600)
        failed = r.returncode != 0
    finally:
        open(path, 'w').write(src)
    res.append((name, 'caught' if failed else 'NOT CAUGHT'))
    print(f'{name}: {"caught" if failed else "NOT CAUGHT"}', flush=True)
