"""Image-quality metrics and Bjøntegaard deltas for evaluation (float64 numpy).

PSNR on 8-bit RGB; MS-SSIM as Wang, Simoncelli, Bovik 2003 (5 scales, 11x11 Gaussian window sigma 1.5,
K1=0.01, K2=0.03, weights 0.0448/0.2856/0.3001/0.2363/0.1333, 2x2 average-pool between scales, contrast-
structure terms at scales 1-4 and full SSIM at scale 5), computed per channel and averaged.
BD-rate: Bjøntegaard (VCEG-M33) with piecewise cubic Hermite (PCHIP) interpolation of log-rate over the
quality axis, integrated over the overlapping quality interval (as in current AOM/JVET practice).
"""
import numpy as np
from scipy.interpolate import PchipInterpolator
from scipy.ndimage import correlate1d

MS_SSIM_WEIGHTS = np.array([0.0448, 0.2856, 0.3001, 0.2363, 0.1333])


def psnr(a, b):
    """a, b: uint8 HxWx3 arrays."""
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)


def _gauss(size=11, sigma=1.5):
    x = np.arange(size) - (size - 1) / 2
    g = np.exp(-(x ** 2) / (2 * sigma ** 2))
    return g / g.sum()


def _filt(x, g):
    """Separable 'valid' filtering of a 2-D array."""
    y = correlate1d(x, g, axis=0, mode="constant")
    y = correlate1d(y, g, axis=1, mode="constant")
    r = len(g) // 2
    return y[r:-r or None, r:-r or None]


def _ssim_cs(x, y, g, data_range=255.0):
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    mx, my = _filt(x, g), _filt(y, g)
    sxx = _filt(x * x, g) - mx * mx
    syy = _filt(y * y, g) - my * my
    sxy = _filt(x * y, g) - mx * my
    cs = (2 * sxy + c2) / (sxx + syy + c2)
    ssim = ((2 * mx * my + c1) / (mx * mx + my * my + c1)) * cs
    return ssim.mean(), cs.mean()


def ms_ssim(a, b):
    """a, b: uint8 HxWx3 arrays (each side >= 161 px)."""
    g = _gauss()
    vals = []
    for ch in range(a.shape[2]):
        x = a[:, :, ch].astype(np.float64)
        y = b[:, :, ch].astype(np.float64)
        mcs = []
        for s in range(5):
            ssim, cs = _ssim_cs(x, y, g)
            if s < 4:
                mcs.append(max(cs, 0.0))
                h, w = (x.shape[0] // 2) * 2, (x.shape[1] // 2) * 2
                x = x[:h, :w].reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))
                y = y[:h, :w].reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))
        vals.append(np.prod(np.array(mcs) ** MS_SSIM_WEIGHTS[:4]) * max(ssim, 0.0) ** MS_SSIM_WEIGHTS[4])
    return float(np.mean(vals))


def ms_ssim_db(v):
    return -10 * np.log10(max(1 - v, 1e-12))


def bd_rate(rate_a, q_a, rate_b, q_b):
    """Average bitrate difference of B relative to anchor A at equal quality, in percent (negative: B saves)."""
    def curve(r, q):
        r, q = np.asarray(r, float), np.asarray(q, float)
        o = np.argsort(q)
        q, lr = q[o], np.log(r[o])
        keep = np.concatenate([[True], np.diff(q) > 0])
        return PchipInterpolator(q[keep], lr[keep])
    fa, fb = curve(rate_a, q_a), curve(rate_b, q_b)
    lo = max(min(q_a), min(q_b))
    hi = min(max(q_a), max(q_b))
    if hi <= lo:
        return float("nan")
    ia = fa.integrate(lo, hi) / (hi - lo)
    ib = fb.integrate(lo, hi) / (hi - lo)
    return float((np.exp(ib - ia) - 1) * 100)
