"""Building blocks of RD Lab's learned codecs (PyTorch).

GDN/IGDN (Ballé et al. 2016), sub-pixel convolution (Shi et al. 2016), the factorized density of Ballé et al.
2018 (appendix 6.1), Gaussian conditional likelihoods, gain units for continuous rate (Cui et al. 2021), and
`IntConv2d`: a convolution trained *as* the integer network it becomes on export (Ballé, Johnston, Minnen 2019,
"Integer networks for data compression with latent-variable models"); see README.md "Integer hyper-synthesis".
Written for RD Lab; the algorithms are the papers', the code is ours.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

# ---------------------------------------------------------------------------------------------------------
# straight-through helpers


class _LowerBound(torch.autograd.Function):
    """max(x, bound) whose gradient still flows when it pushes x upwards (keeps reparametrized params alive)."""

    @staticmethod
    def forward(ctx, x, bound):
        ctx.save_for_backward(x)
        ctx.bound = bound
        return torch.clamp(x, min=bound)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        pass_through = (x >= ctx.bound) | (g < 0)
        return g * pass_through.to(g.dtype), None


def lower_bound(x, bound):
    return _LowerBound.apply(x, bound)


def round_ste(x):
    """round(x) forward, identity backward."""
    return x + (torch.round(x) - x).detach()


def clamp_ste(x, lo, hi):
    """clamp forward, identity backward (used where a hard clamp must not kill the gradient)."""
    return x + (torch.clamp(x, lo, hi) - x).detach()


# ---------------------------------------------------------------------------------------------------------
# GDN


class GDN(nn.Module):
    """Generalized divisive normalization: y_i = x_i / sqrt(beta_i + sum_j gamma_ij x_j^2) (inverse: times).

    beta and gamma are stored reparametrized (value = max(p, bound)^2 - pedestal) as in Ballé's code so they
    stay positive; `effective()` returns the values an exporter writes.
    """

    PEDESTAL = (2.0 ** -18) ** 2

    def __init__(self, c, inverse=False, beta_min=1e-6, gamma_init=0.1):
        super().__init__()
        self.inverse = inverse
        self.beta_bound = math.sqrt(beta_min + self.PEDESTAL)
        self.gamma_bound = math.sqrt(self.PEDESTAL)
        self.beta = nn.Parameter(torch.sqrt(torch.ones(c) + self.PEDESTAL))
        self.gamma = nn.Parameter(torch.sqrt(gamma_init * torch.eye(c) + self.PEDESTAL))

    def effective(self):
        beta = lower_bound(self.beta, self.beta_bound) ** 2 - self.PEDESTAL
        gamma = lower_bound(self.gamma, self.gamma_bound) ** 2 - self.PEDESTAL
        return beta, gamma

    def forward(self, x):
        beta, gamma = self.effective()
        c = x.shape[1]
        norm = F.conv2d(x * x, gamma.view(c, c, 1, 1), beta)
        return x * torch.sqrt(norm) if self.inverse else x * torch.rsqrt(norm)


def conv(cin, cout, k=5, s=2):
    return nn.Conv2d(cin, cout, k, stride=s, padding=k // 2)


class SubpelConv(nn.Module):
    """3x3 convolution to cout*r^2 channels, then depth-to-space by r (sub-pixel upsampling)."""

    def __init__(self, cin, cout, r=2, k=3):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout * r * r, k, padding=k // 2)
        self.shuffle = nn.PixelShuffle(r)

    def forward(self, x):
        return self.shuffle(self.conv(x))


# ---------------------------------------------------------------------------------------------------------
# Integer convolution (trained as it is evaluated)


class IntConv2d(nn.Module):
    """A convolution whose exported form is exact integer arithmetic.

    Inference (integer, see intnet.py):  acc = sum(W_int * a) + B_int        (int32)
                                         out = clamp(trunc((acc + (c >> 1)) / c), lo, hi)
    with int8-range weights W_int, int32 bias B_int and a positive int32 divisor c per output channel.
    Inputs `a` are integers in [-127, 127]. Training evaluates the same formula with straight-through rounding,
    from float parameters W, b in "real units": a_real = a / s_in, out_real = out / s_out.
    """

    MAX_DIVISOR = 1 << 16

    def __init__(self, cin, cout, k=3, s_in=1.0, s_out=16.0, lo=0, hi=127):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, padding=k // 2)
        self.s_in, self.s_out, self.lo, self.hi = float(s_in), float(s_out), int(lo), int(hi)

    def integer_params(self):
        """(W_int, B_int, c) as float tensors holding integers (W_int and B_int carry straight-through grads)."""
        return self._integer_params(self.conv.weight)

    # A model read back from a package (package_io._load_int) keeps the package's divisors, so that its weights
    # give back exactly the package's integers; None while training: c follows the weights' range.
    fixed_divisor = None

    def _integer_params(self, weight):
        v = weight * (self.s_out / self.s_in)
        if self.fixed_divisor is not None:
            c = self.fixed_divisor.to(v)
        else:
            vmax = v.detach().abs().flatten(1).amax(1).clamp(min=1e-12)
            c = torch.floor(127.0 / vmax).clamp(1, self.MAX_DIVISOR)
        w_int = round_ste(clamp_ste(v * c.view(-1, 1, 1, 1), -127, 127))
        b_int = round_ste(self.conv.bias * self.s_out * c)
        return w_int, b_int, c

    def forward(self, a):
        w_int, b_int, c = self.integer_params()
        acc = F.conv2d(a, w_int, b_int, padding=self.conv.padding)
        q = int_divide_ste(acc, c.view(1, -1, 1, 1))
        # The clamp's gradient is the hard one (like ReLU): no gradient pushes a saturated unit further out.
        return torch.clamp(q, self.lo, self.hi)


def int_divide_ste(acc, c):
    """The integer layer's division as exported, floor((acc + (c >> 1)) / c), forward; acc / c backward. It equals
    the runtimes' truncating division wherever the result is then clamped to lo >= 0, ties included (round(acc / c),
    half to even, differed from it at exact halves of an even c). Exact for integer-valued float64 tensors."""
    return acc / c + (torch.floor((acc + torch.floor(c / 2)) / c) - acc / c).detach()


def checkerboard_anchors(h, w, device=None):
    """(h, w) float mask: 1 at the anchors, (row + column) even; the checkerboard context's first pass."""
    yy = torch.arange(h, device=device).view(-1, 1)
    xx = torch.arange(w, device=device).view(1, -1)
    return ((yy + xx) % 2 == 0).float()


class CheckerboardIntConv2d(IntConv2d):
    """The checkerboard context (He et al. 2021) as an exact integer layer: reads clamp(x, -clip, clip) at the
    anchors only and is evaluated at the non-anchors only (0 at the anchors). At a non-anchor, tap (ky, kx) of an
    odd k x k kernel lands on an anchor exactly when ky + kx is odd, so the taps with ky + kx even are masked out
    (exported as 0, never read). Export: the op checkerboard_iconv2d (src/gpu/op-vocabulary.json)."""

    def __init__(self, cin, cout, k=5, s_in=1.0, s_out=16.0, lo=0, hi=127, clip=127):
        super().__init__(cin, cout, k, s_in, s_out, lo, hi)
        assert k % 2 == 1
        ky = torch.arange(k).view(-1, 1)
        kx = torch.arange(k).view(1, -1)
        self.register_buffer("tap_mask", ((ky + kx) % 2 == 1).float(), persistent=False)
        self.clip = int(clip)

    def integer_params(self):
        # the masked taps are exported as 0 and do not count towards the weight range
        return self._integer_params(self.conv.weight * self.tap_mask)

    def forward(self, a):
        w_int, b_int, c = self.integer_params()
        a = torch.clamp(a, -self.clip, self.clip)
        acc = F.conv2d(a, w_int, b_int, padding=self.conv.padding)
        q = torch.clamp(int_divide_ste(acc, c.view(1, -1, 1, 1)), self.lo, self.hi)
        return q * (1 - checkerboard_anchors(a.shape[2], a.shape[3], a.device))


# ---------------------------------------------------------------------------------------------------------
# Entropy models


class FactorizedDensity(nn.Module):
    """Per-channel univariate density as a monotone CDF network (Ballé et al. 2018, appendix 6.1)."""

    def __init__(self, channels, filters=(3, 3, 3, 3), init_scale=10.0):
        super().__init__()
        self.channels = channels
        dims = (1,) + tuple(filters) + (1,)
        scale = init_scale ** (1 / (len(filters) + 1))
        self.matrices = nn.ParameterList()
        self.biases = nn.ParameterList()
        self.factors = nn.ParameterList()
        for i in range(len(filters) + 1):
            init = math.log(math.expm1(1 / scale / dims[i + 1]))
            self.matrices.append(nn.Parameter(torch.full((channels, dims[i + 1], dims[i]), init)))
            self.biases.append(nn.Parameter(torch.rand(channels, dims[i + 1], 1) - 0.5))
            if i < len(filters):
                self.factors.append(nn.Parameter(torch.zeros(channels, dims[i + 1], 1)))

    def logits_cdf(self, x, rows=None):
        """x: (C, 1, N) -> logits of the CDF at x, (C, 1, N); with `rows` (K,), x is (K, 1, N) and its row k is
        evaluated by density row rows[k]."""
        pick = (lambda p: p) if rows is None else (lambda p: p[rows])
        for i in range(len(self.matrices)):
            x = torch.matmul(pick(F.softplus(self.matrices[i])), x) + pick(self.biases[i])
            if i < len(self.factors):
                x = x + pick(torch.tanh(self.factors[i])) * torch.tanh(x)
        return x

    def likelihood(self, v):
        """P(value in [v-0.5, v+0.5]) per element of v (B, C, H, W)."""
        b, c, h, w = v.shape
        x = v.permute(1, 0, 2, 3).reshape(c, 1, -1)
        return self.bin_probability(x).reshape(c, b, h, w).permute(1, 0, 2, 3)

    def bin_probability(self, x, rows=None):
        """CDF(x + 0.5) - CDF(x - 0.5), computed on the side of the median where it does not cancel."""
        lower = self.logits_cdf(x - 0.5, rows)
        upper = self.logits_cdf(x + 0.5, rows)
        sign = -torch.sign(lower + upper).detach()
        return torch.abs(torch.sigmoid(sign * upper) - torch.sigmoid(sign * lower))


def anchor_position(t, levels):
    """Rate t in [0, 1] -> (i, f): between anchor levels i and i+1, fraction f (gain units, per-level densities)."""
    pos = t * (levels - 1)
    i = torch.clamp(torch.floor(pos), 0, levels - 2).long()
    return i, pos - i


class RateFactorizedDensity(FactorizedDensity):
    """A factorized density per channel *and* gain level: P(v | t) = (1-f) P_i(v) + f P_(i+1)(v), with i, f the
    gain units' interpolation position of t. One density per channel shared by all rates is a compromise: with
    gained latents the symbol distribution narrows at low rates and widens at high ones (on our factorized
    model, per-level densities took 13 % / 14 % off the validation bpp at t = 0 / t = 1, nothing at t = 0.5). Rows are level-major:
    density row l*M + c is level l, channel c; the exported tables keep that order (docs/model-package.md)."""

    def __init__(self, channels, levels, **kw):
        super().__init__(channels * levels, **kw)
        self.latent_channels, self.levels = channels, levels

    def likelihood(self, v, t):
        """Only the two levels around each sample's t are evaluated (the others have weight 0)."""
        b, c, h, w = v.shape
        i, f = anchor_position(t.to(v.dtype), self.levels)
        f = f.view(1, b, 1, 1, 1)
        ch = torch.arange(c, device=v.device)
        rows = torch.stack([i[:, None] * c + ch, (i[:, None] + 1) * c + ch]).reshape(-1)  # (2, B, C) level rows
        x = v.reshape(1, b * c, 1, h * w).expand(2, -1, -1, -1).reshape(2 * b * c, 1, h * w)
        p = self.bin_probability(x, rows).reshape(2, b, c, h, w)
        return (1 - f[0]) * p[0] + f[0] * p[1]

    @staticmethod
    def widen(tensor, channels, levels):
        """A shared density's parameter (or its Adam moment), `channels` rows -> the same rows at every level."""
        if tensor.shape[0] != channels:
            return tensor
        return tensor.repeat(levels, *([1] * (tensor.dim() - 1)))


def std_normal_cdf(x):
    return 0.5 * torch.erfc(-x * (2 ** -0.5))


def gaussian_likelihood(v, scale):
    """P(value in [v-0.5, v+0.5]) for a zero-mean Gaussian with the given scale (v = y - mean)."""
    v = torch.abs(v)
    return std_normal_cdf((0.5 - v) / scale) - std_normal_cdf((-0.5 - v) / scale)


LIKELIHOOD_BOUND = 1e-9


def bits(p):
    return -torch.log2(lower_bound(p, LIKELIHOOD_BOUND))


# ---------------------------------------------------------------------------------------------------------
# Continuous rate: gain units


class GainUnits(nn.Module):
    """Per-channel gains at `levels` anchor rates, interpolated geometrically for a continuous rate t in [0, 1].

    Cui et al. 2021 ("Asymmetric gained deep image compression with continuous rate adaptation"):
    y' = y * g(t) before quantization and y_hat = y_hat' * g_inv(t) after.
    """

    def __init__(self, channels, lambdas):
        super().__init__()
        self.register_buffer("lambdas", torch.tensor(lambdas, dtype=torch.float32))
        lam = torch.tensor(lambdas)
        init = torch.sqrt(lam / lam[len(lambdas) // 2]).view(-1, 1)  # step size ~ 1/sqrt(lambda)
        self.log_gain = nn.Parameter(torch.log(init).repeat(1, channels))
        self.log_inv_gain = nn.Parameter(-torch.log(init).repeat(1, channels))

    @property
    def levels(self):
        return self.log_gain.shape[0]

    def lam(self, t):
        ll = torch.log(self.lambdas)
        i, f = anchor_position(t, self.levels)
        return torch.exp(ll[i] * (1 - f) + ll[i + 1] * f)

    def _interp(self, table, t):
        i, f = anchor_position(t, self.levels)
        f = f.view(-1, 1)
        return torch.exp(table[i] * (1 - f) + table[i + 1] * f)[:, :, None, None]

    def gain(self, t):
        return self._interp(self.log_gain, t)

    def inv_gain(self, t):
        return self._interp(self.log_inv_gain, t)
