"""Quantized CDF tables for the model packages: a line-by-line Python port of src/codecs/entropy
(detmath.ts, quantize.ts, tables.ts; spec in docs/entropy-coding.md). Python floats are IEEE doubles and
CPython never fuses a*b+c, so the Gaussian tables come out bit-identical to the TypeScript ones; the unit test
src/codecs/learned/package-tables.test.ts rebuilds them from the package's scales and compares.

Factorized tables (learned densities) are only built here: the density network is evaluated in float64 on
integer points; the TypeScript side just validates and uses them.
"""
import heapq
import math

import numpy as np
import torch

PRECISION = 16
PROB_TOTAL = 1 << PRECISION
TAIL_MASS = 1e-9
ESCAPE_LENGTH_BITS = 6

# ---- detmath.ts ---------------------------------------------------------------------------------------------
LOG2E = 1.4426950408889634
LN2_HI = 0.6931471803691238
LN2_LO = 1.9082149292705877e-10
TWO_OVER_SQRT_PI = 1.1283791670955126
ONE_OVER_SQRT_PI = 0.5641895835477563
SQRT1_2 = 0.7071067811865476
EXP_TERMS = 14
ERFC_SPLIT = 1.5
ERF_SERIES_TERMS = 60
ERFC_CF_DEPTH = 120


def pow2(k):
    b = 2.0 if k >= 0 else 0.5
    n = k if k >= 0 else -k
    r = 1.0
    while n > 0:
        if n % 2 == 1:
            r = r * b
        b = b * b
        n = n // 2
    return r


def det_exp(x):
    if x != x:
        return float("nan")
    if x < -745:
        return 0.0
    if x > 709.782712893384:
        return float("inf")
    k = math.floor(x * LOG2E + 0.5)
    r = x - k * LN2_HI - k * LN2_LO
    p = 1.0
    for n in range(EXP_TERMS, 0, -1):
        p = 1 + (r * p) / n
    if k > 1000:
        return p * pow2(k - 1000) * pow2(1000)
    if k < -1000:
        return p * pow2(k + 1000) * pow2(-1000)
    return p * pow2(k)


def erfc(x):
    if x != x:
        return float("nan")
    if x < 0:
        return 2 - erfc(-x)
    if x < ERFC_SPLIT:
        x2 = x * x
        two_x2 = x2 + x2
        t = x
        s = x
        for n in range(1, ERF_SERIES_TERMS + 1):
            t = (t * two_x2) / (2 * n + 1)
            s = s + t
        return 1 - TWO_OVER_SQRT_PI * det_exp(-x2) * s
    if x > 27:
        return 0.0
    f = x
    for k in range(ERFC_CF_DEPTH, 0, -1):
        f = x + (k * 0.5) / f
    return (det_exp(-(x * x)) * ONE_OVER_SQRT_PI) / f


def normal_cdf(t):
    return 0.5 * erfc(-t * SQRT1_2)


def normal_upper_quantile(q):
    assert 0 < q < 0.5
    lo, hi = 0.0, 64.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if normal_cdf(-mid) > q:
            lo = mid
        else:
            hi = mid
    return hi


# ---- quantize.ts --------------------------------------------------------------------------------------------
def pmf_to_quantized_cdf(pmf, precision=PRECISION):
    total = 2 ** precision
    n = len(pmf)
    assert 2 <= n <= total
    pmf = [float(p) for p in pmf]
    s = 0.0
    for p in pmf:
        assert p >= 0 and p != float("inf")
        s += p
    assert s > 0
    f = []
    assigned = 0
    for p in pmf:
        v = math.floor((p * total) / s + 0.5)
        v = 1 if v < 1 else v
        f.append(v)
        assigned += v
    excess = assigned - total
    if excess > 0:
        heap = [(pmf[i] / (f[i] - 0.5), i) for i in range(n) if f[i] >= 2]
        heapq.heapify(heap)
        while excess > 0:
            _, i = heapq.heappop(heap)
            f[i] -= 1
            excess -= 1
            if f[i] >= 2:
                heapq.heappush(heap, (pmf[i] / (f[i] - 0.5), i))
    elif excess < 0:
        heap = [(-(pmf[i] / (f[i] + 0.5)), i) for i in range(n)]
        heapq.heapify(heap)
        while excess < 0:
            _, i = heapq.heappop(heap)
            f[i] += 1
            excess += 1
            heapq.heappush(heap, (-(pmf[i] / (f[i] + 0.5)), i))
    cdf = [0]
    for v in f:
        cdf.append(cdf[-1] + v)
    return cdf


# ---- tables.ts ----------------------------------------------------------------------------------------------
def scale_table(smin=0.11, smax=256.0, levels=64):
    """The model's index -> scale map (models.scale_from_index) in float64; stored explicitly in the package."""
    a, b = math.log(smin), math.log(smax)
    return [math.exp(a + i * ((b - a) / (levels - 1))) for i in range(levels)]


def build_gaussian_tables(scales, tail_mass=TAIL_MASS):
    m = normal_upper_quantile(tail_mass / 2)
    cdf, starts, lengths, offsets = [], [], [], []
    for s in scales:
        c = math.ceil(s * m)
        g = [normal_cdf((0.5 - j) / s) for j in range(c + 2)]
        pmf = []
        for k in range(2 * c + 1):
            d = c - k if k < c else k - c
            pmf.append(g[d] - g[d + 1])
        pmf.append(2 * g[c + 1])
        row = pmf_to_quantized_cdf(pmf)
        starts.append(len(cdf))
        lengths.append(len(row))
        offsets.append(-c)
        cdf.extend(row)
    return {"cdf": cdf, "starts": starts, "lengths": lengths, "offsets": offsets, "multiplier": m}


def factorized_pmfs(density, tail_mass=TAIL_MASS, max_bins=4096, levels=1):
    """For each density row: (offset, pmf over offset..offset+n-1 plus the escape bin), evaluated in float64.

    The range is every integer whose bin lies inside [q_lo, q_hi], the tail_mass/2 quantiles of the learned
    density (found on a grid), so the escape bin carries about tail_mass. With levels > 1 (rows level-major,
    RateFactorizedDensity) each channel's rows share one range, the union of their own, so that the decoder can
    mix two levels' tables bin by bin (mix_level_tables)."""
    from layers import FactorizedDensity
    c = density.channels
    with torch.no_grad():
        dd = FactorizedDensity(c).double()
        dd.load_state_dict({k: v.double() for k, v in density.state_dict().items()})
        R = 2 * max_bins
        grid = torch.arange(-R, R + 1, dtype=torch.float64)
        x = grid.view(1, 1, -1).repeat(c, 1, 1)
        cdf_hi = torch.sigmoid(dd.logits_cdf(x + 0.5))[:, 0, :].numpy()  # P(X <= v + 0.5)
    lt = tail_mass / 2
    ranges = []
    for ch in range(c):
        lo_i = int(np.searchsorted(cdf_hi[ch], lt))  # first v with P(X <= v+0.5) >= lt
        hi_i = int(np.searchsorted(cdf_hi[ch], 1 - lt))
        lo_i = max(0, min(lo_i, len(grid) - 1))
        ranges.append((lo_i, max(lo_i, min(hi_i, len(grid) - 1))))
    per = c // levels
    for ch in range(per):  # one range per channel across its levels
        rows = range(ch, c, per)
        lo_i, hi_i = min(ranges[r][0] for r in rows), max(ranges[r][1] for r in rows)
        if hi_i - lo_i + 1 > max_bins:
            mid = (lo_i + hi_i) // 2
            lo_i, hi_i = mid - max_bins // 2, mid - max_bins // 2 + max_bins - 1
        for r in rows:
            ranges[r] = (lo_i, hi_i)
    out = []
    for ch, (lo_i, hi_i) in enumerate(ranges):
        ch_cdf = cdf_hi[ch]
        below = ch_cdf[lo_i - 1] if lo_i > 0 else 0.0
        pmf = np.diff(np.concatenate([[below], ch_cdf[lo_i:hi_i + 1]]))
        tail = below + (1.0 - ch_cdf[hi_i])
        out.append((int(grid[lo_i]), [max(float(p), 0.0) for p in pmf] + [max(float(tail), 1e-300)]))
    return out


def _pack(rows_offsets):
    cdf, starts, lengths, offsets = [], [], [], []
    for off, row in rows_offsets:
        starts.append(len(cdf))
        lengths.append(len(row))
        offsets.append(off)
        cdf.extend(row)
    return cdf, starts, lengths, offsets


MIX_BITS = 8  # the mixing weight of two levels' tables is an integer in [0, 2^MIX_BITS]


def level_mix(t, levels):
    """Rate t (read as float32, as the container stores it) -> (i, w): mix level i with weight 256 - w and
    level i+1 with weight w. Float64 arithmetic that TypeScript reproduces exactly (src/codecs/entropy/tables.ts)."""
    t = float(np.float32(t))
    pos = t * (levels - 1)
    i = min(int(math.floor(pos)), levels - 2)
    return i, int(math.floor((pos - i) * (1 << MIX_BITS) + 0.5))


def mix_level_tables(cdf, starts, lengths, offsets, levels, t):
    """Per-level tables (level-major, each channel's levels on one range) -> one table per channel at rate t:
    cdf = ((256 - w) * cdf_i + w * cdf_(i+1)) >> 8, integer only. Every bin stays >= 1 (both tables' are) and the
    row still ends at 2^16. Returns (cdf, starts, lengths, offsets) of the mixed set."""
    cdf, starts, lengths, offsets = (np.asarray(a, np.int64) for a in (cdf, starts, lengths, offsets))
    per = len(starts) // levels
    i, w = level_mix(t, levels)
    out = []
    for ch in range(per):
        a, b = i * per + ch, (i + 1) * per + ch
        assert lengths[a] == lengths[b] and offsets[a] == offsets[b]
        ra, rb = cdf[starts[a]:starts[a] + lengths[a]], cdf[starts[b]:starts[b] + lengths[b]]
        out.append((int(offsets[a]), (((1 << MIX_BITS) - w) * ra + w * rb) >> MIX_BITS))
    return tuple(np.asarray(a, np.int64) for a in _pack(out))


def factorized_tables(density, writer, prefix):
    levels = getattr(density, "levels", 1)
    rows = [(off, pmf_to_quantized_cdf(pmf)) for off, pmf in factorized_pmfs(density, levels=levels)]
    cdf, starts, lengths, offsets = _pack(rows)
    spec = {"family": "factorized", "tables": len(rows), "index": "per channel (channel c uses table c)"}
    if levels > 1:
        spec.update(levels=levels, index="per channel and gain level, level-major (table l*M + c); the decoder "
                    "mixes levels i and i+1 of channel c at rate t (docs/model-package.md)",
                    mix={"bits": MIX_BITS, "rule": "pos = t*(L-1); i = min(floor(pos), L-2); "
                         "w = floor((pos-i)*256 + 0.5); cdf = ((256-w)*cdf[i*M+c] + w*cdf[(i+1)*M+c]) >> 8"})
        # known answer: the mixed rows at a rate between anchors; every runtime must reproduce them
        t = 0.3
        spec["selftest"] = {"t": t, "cdf": writer.add(prefix + ".selftest.cdf", mix_level_tables(
            cdf, starts, lengths, offsets, levels, t)[0], "i32")}
    spec.update({"cdf": writer.add(prefix + ".cdf", np.array(cdf), "i32"),
                 "starts": writer.add(prefix + ".starts", np.array(starts), "i32"),
                 "lengths": writer.add(prefix + ".lengths", np.array(lengths), "i32"),
                 "offsets": writer.add(prefix + ".offsets", np.array(offsets), "i32")})
    return spec


def gaussian_tables(writer, prefix, scales=None, tail_mass=TAIL_MASS):
    from models import NUM_SCALES, SCALE_MAX, SCALE_MIN
    scales = scales or scale_table(SCALE_MIN, SCALE_MAX, NUM_SCALES)
    t = build_gaussian_tables(scales, tail_mass)
    return {"family": "gaussian", "tables": len(scales), "scales": scales, "tail_mass": tail_mass,
            "index": "per element: the integer hyper-synthesis' scale index",
            "cdf": writer.add(prefix + ".cdf", np.array(t["cdf"]), "i32"),
            "starts": writer.add(prefix + ".starts", np.array(t["starts"]), "i32"),
            "lengths": writer.add(prefix + ".lengths", np.array(t["lengths"]), "i32"),
            "offsets": writer.add(prefix + ".offsets", np.array(t["offsets"]), "i32")}


def ideal_bits(symbols, table_of, cdf, starts, lengths, offsets):
    """Σ −log2 p of int symbols (flat) with table index per symbol (flat), escapes as in rate.ts."""
    cdf = np.asarray(cdf, np.int64)
    starts, lengths, offsets = (np.asarray(a, np.int64) for a in (starts, lengths, offsets))
    symbols = np.asarray(symbols, np.int64).ravel()
    t = np.asarray(table_of, np.int64).ravel()
    n_in = lengths[t] - 2
    v = symbols - offsets[t]
    inr = (v >= 0) & (v < n_in)
    b = np.where(inr, v, n_in)
    f = cdf[starts[t] + b + 1] - cdf[starts[t] + b]
    bits = np.sum(PRECISION - np.log2(f.astype(np.float64)))
    if (~inr).any():
        ve = v[~inr]
        raw = np.where(ve < 0, -2 * ve - 1, 2 * (ve - n_in[~inr]))
        blen = np.array([int(r).bit_length() for r in raw])
        bits += np.sum(ESCAPE_LENGTH_BITS + np.maximum(0, blen - 1))
    return float(bits), int((~inr).sum())
