"""RD Lab's learned image codecs, named after their papers.

- `factorized`  Ballé, Laparra, Simoncelli 2017 (ICLR), "End-to-end optimized image compression"
- `hyperprior`  Ballé, Minnen, Singh, Hwang, Johnston 2018 (ICLR), "Variational image compression with a
                scale hyperprior"
- `mean-scale`  Minnen, Ballé, Toderici 2018 (NeurIPS), "Joint autoregressive and hierarchical priors for
                learned image compression", without the autoregressive context

All three: analysis = 4x (5x5 stride-2 conv, GDN), synthesis = 4x (3x3 conv -> depth-to-space x2, IGDN),
one model per architecture covering the whole rate range through gain units (Cui et al. 2021), and (for the
hyperprior models) an integer hyper-synthesis for the scale index (Ballé, Johnston, Minnen 2019) so the
probability tables chosen while decoding are bit-identical on every device. See README.md.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from layers import (GDN, CheckerboardIntConv2d, FactorizedDensity, GainUnits, IntConv2d, RateFactorizedDensity,
                    SubpelConv, bits, checkerboard_anchors, conv, gaussian_likelihood, round_ste)

# CompressAI's MSE range (q1..q7), loss = lambda * 255^2 * MSE + bpp on [0,1] images.
LAMBDA_MIN, LAMBDA_MAX = 0.0018, 0.0932
GAIN_LEVELS = 8
# the widths the shipped packages have (public/models/*/manifest.json "channels"); train.py and fit_density.py
# default to them, and tests/test_models.py checks that they agree
SHIPPED_N, SHIPPED_M, SHIPPED_NZ = 96, 128, 64
# Parameter-name prefixes of the transforms and gain units; everything else is the entropy model.
TRANSFORMS = ("g_a.", "g_s.", "gain.")
# Gaussian scale table: index i -> SCALE_MIN * (SCALE_MAX/SCALE_MIN)^(i/(NUM_SCALES-1)).
SCALE_MIN, SCALE_MAX, NUM_SCALES = 0.11, 256.0, 64
# Integer features of the hyper-synthesis trunk carry FEATURE_SCALE steps per real unit, in [0, 127].
FEATURE_SCALE = 16.0
Z_CLAMP = 127
# Checkerboard context: output channels of the integer context conv, its kernel, and the clamp of the anchor
# symbols it reads (docs/learned-codecs.md "Checkerboard context").
CTX_CHANNELS, CTX_KERNEL, CTX_CLIP = 128, 5, 127


def anchor_lambdas(levels=GAIN_LEVELS):
    """The anchors' lambdas: GAIN_LEVELS of them log-spaced from LAMBDA_MIN to LAMBDA_MAX; more levels (widen.py
    --levels) go on above LAMBDA_MAX at the same spacing (a 9th at 0.164, near CompressAI's q8, 0.18)."""
    step = (math.log(LAMBDA_MAX) - math.log(LAMBDA_MIN)) / (GAIN_LEVELS - 1)
    return [math.exp(math.log(LAMBDA_MIN) + i * step) for i in range(levels)]


def levels_in(state_dict):
    """How many rate anchors a state dict's gain units have (None: it has none)."""
    g = state_dict.get("gain.log_gain")
    return None if g is None else g.shape[0]


def scale_from_index(idx):
    """Continuous index (training) or integer index -> Gaussian scale, matching the exported scale table."""
    return torch.exp(math.log(SCALE_MIN) + idx * ((math.log(SCALE_MAX) - math.log(SCALE_MIN)) / (NUM_SCALES - 1)))


def analysis(n, m):
    return nn.Sequential(conv(3, n), GDN(n), conv(n, n), GDN(n), conv(n, n), GDN(n), conv(n, m))


def synthesis(n, m):
    return nn.Sequential(SubpelConv(m, n), GDN(n, inverse=True), SubpelConv(n, n), GDN(n, inverse=True),
                         SubpelConv(n, n), GDN(n, inverse=True), SubpelConv(n, 3))


class IntHyperSynthesisTrunk(nn.Module):
    """Integer trunk: z_hat (ints in [-127,127]) -> 2x (int 3x3 conv -> depth-to-space x2) -> features in [0,127]."""

    def __init__(self, nz, n):
        super().__init__()
        self.c1 = IntConv2d(nz, 4 * n, 3, s_in=1.0, s_out=FEATURE_SCALE)
        self.c2 = IntConv2d(n, 4 * n, 3, s_in=FEATURE_SCALE, s_out=FEATURE_SCALE)

    def forward(self, z_hat):
        a = F.pixel_shuffle(self.c1(z_hat), 2)
        return F.pixel_shuffle(self.c2(a), 2)


class LearnedCodec(nn.Module):
    """Shared pieces: transforms, gains; subclasses define the prior."""

    name = "base"

    def __init__(self, n, m, nt=None):
        super().__init__()
        # n: the entropy model's width (hyper-analysis, hyper-synthesis features); nt: the transforms' inner width
        # (widen.py --nt; the same as n unless widened)
        self.n, self.m, self.nt = n, m, nt or n
        self.g_a = analysis(self.nt, m)
        self.g_s = synthesis(self.nt, m)
        self.gain = GainUnits(m, anchor_lambdas())
        self.bf16 = False  # train.py --bf16: the transforms' inner layers in bfloat16 (see transform())
        # train.py --holiday: a weight per latent channel on its bits in the loss (None: all 1); training only, so
        # that new channels (widen.py --m) learn to carry something before they pay for it
        self.rate_weight = None

    def set_levels(self, levels):
        """Rebuild the rate-dependent parts for `levels` anchors (anchor_lambdas), on the model's device, to load
        weights into: a widened checkpoint's or a package's (widen.py --levels, rate.anchors). No-op when the model
        has that many already, or for None (weights without gain units)."""
        if levels is None or levels == self.gain.levels:
            return False
        self.gain = GainUnits(self.m, anchor_lambdas(levels)).to(self.gain.log_gain.device)
        return True

    def load_state_dict(self, state_dict, strict=True):
        """The number of rate anchors comes with the weights (set_levels)."""
        self.set_levels(levels_in(state_dict))
        return super().load_state_dict(state_dict, strict)

    def transform(self, seq, x):
        """Run g_a or g_s. With self.bf16 every layer but the last runs under bfloat16 autocast (1.6-2.1x the
        steps per CPU-hour on a CPU with AVX512-BF16, tools/train/NOTES.md); the last layer, and so y and x_hat, stay float32, and so do the
        entropy models and the integer hyper-synthesis, which are never autocast. Export and eval use float32."""
        if not self.bf16:
            return seq(x)
        with torch.autocast(x.device.type, dtype=torch.bfloat16):
            h = seq[:-1](x)
        return seq[-1](h.float())

    def latent_bits(self, b):
        """Bits per latent element (B, M, H, W), each channel weighted by rate_weight when one is set (train.py
        --holiday): every model's code() passes its y bits through here before summing them."""
        if self.rate_weight is not None:
            b = b * self.rate_weight.view(1, -1, 1, 1)
        return b

    def entropy_params(self):
        """The parameters of the entropy model (all but the transforms and the gains): what fit_density.py fits
        with the transforms frozen."""
        return [p for n, p in self.named_parameters() if not n.startswith(TRANSFORMS)]

    def code(self, y, t, noise=True):
        """The entropy model on gained latents y: dict with y_hat (the decoder's latents) and the bits of y and z
        per sample. noise=True: additive uniform noise for the rate (training); noise=False: the rate of the
        hard-rounded latents (evaluation)."""
        raise NotImplementedError

    def rd(self, x, t, noise=True):
        """Forward pass: dict with x_hat and bpp (bpp_y, bpp_z) per sample."""
        y = self.transform(self.g_a, x) * self.gain.gain(t)
        c = self.code(y, t, noise)
        x_hat = self.transform(self.g_s, c["y_hat"] * self.gain.inv_gain(t))
        npix = x.shape[2] * x.shape[3]
        bpp_y, bpp_z = c["bits_y"] / npix, c["bits_z"] / npix
        return {"x_hat": x_hat, "bpp": bpp_y + bpp_z, "bpp_y": bpp_y, "bpp_z": bpp_z}


class Factorized(LearnedCodec):
    name = "factorized"
    downsampling = 16

    def __init__(self, n=SHIPPED_N, m=SHIPPED_M, nt=None):
        super().__init__(n, m, nt)
        self.density = RateFactorizedDensity(m, GAIN_LEVELS)

    def set_levels(self, levels):
        if super().set_levels(levels):
            self.density = RateFactorizedDensity(self.m, levels).to(self.gain.log_gain.device)

    def load_state_dict(self, state_dict, strict=True):
        """Also takes checkpoints from before the per-level densities (one density per channel for all rates):
        their density starts every level (see fit_density.py)."""
        levels = levels_in(state_dict) or self.gain.levels
        sd = {k: (RateFactorizedDensity.widen(v, self.m, levels) if k.startswith("density.") else v)
              for k, v in state_dict.items()}
        return super().load_state_dict(sd, strict)

    def code(self, y, t, noise=True):
        y_hat = round_ste(y)
        y_noisy = y + torch.empty_like(y).uniform_(-0.5, 0.5) if noise else y_hat
        bits_y = self.latent_bits(bits(self.density.likelihood(y_noisy, t))).sum((1, 2, 3))
        return {"y_hat": y_hat, "bits_y": bits_y, "bits_z": torch.zeros_like(bits_y)}


class Hyperprior(LearnedCodec):
    """Scale hyperprior; the scale index comes straight from an integer hyper-synthesis."""

    name = "hyperprior"
    downsampling = 64

    def __init__(self, n=SHIPPED_N, m=SHIPPED_M, nz=SHIPPED_NZ, nt=None):
        super().__init__(n, m, nt)
        self.nz = nz
        self.h_a = nn.Sequential(conv(m, n, 3, 1), nn.LeakyReLU(inplace=True), conv(n, n), nn.LeakyReLU(inplace=True),
                                 conv(n, nz))
        self.z_density = FactorizedDensity(nz)
        self.h_s = IntHyperSynthesisTrunk(nz, n)
        self.scale_head = IntConv2d(n, m, 3, s_in=FEATURE_SCALE, s_out=1.0, lo=0, hi=NUM_SCALES - 1)

    def hyper_input(self, y):
        return torch.abs(y)

    def means(self, feats):
        return None

    def code(self, y, t, noise=True):
        z = self.h_a(self.hyper_input(y))
        z_hat = torch.clamp(round_ste(z), -Z_CLAMP, Z_CLAMP)
        z_noisy = z + torch.empty_like(z).uniform_(-0.5, 0.5) if noise else z_hat
        feats = self.h_s(z_hat)
        idx = self.scale_head(feats)
        scale = scale_from_index(idx)
        mu = self.means(feats)
        centred = y if mu is None else y - mu
        y_noisy = centred + torch.empty_like(y).uniform_(-0.5, 0.5) if noise else torch.round(centred)
        y_hat = round_ste(centred) + (0 if mu is None else mu)
        return {"y_hat": y_hat, "bits_y": self.latent_bits(bits(gaussian_likelihood(y_noisy, scale))).sum((1, 2, 3)),
                "bits_z": bits(self.z_density.likelihood(z_noisy)).sum((1, 2, 3))}


class MeanScale(Hyperprior):
    """Mean-scale hyperprior: integer trunk -> integer scale index, plus a float head for the means."""

    name = "mean-scale"

    def __init__(self, n=SHIPPED_N, m=SHIPPED_M, nz=SHIPPED_NZ, nt=None):
        super().__init__(n, m, nz, nt)
        self.mean_head = nn.Sequential(nn.Conv2d(n, n, 3, padding=1), nn.LeakyReLU(inplace=True),
                                       nn.Conv2d(n, m, 3, padding=1))

    def hyper_input(self, y):
        return y

    def means(self, feats):
        return self.mean_head(feats / FEATURE_SCALE)


class Checkerboard(MeanScale):
    """Mean-scale plus a checkerboard context (He et al. 2021), exact like the hyper-synthesis: pass 1 codes the
    anchors ((row + column) even) with mean-scale's parameters; pass 2 codes the others with an integer index head
    and a float means head over concat(features, ctx), ctx = an integer masked 5x5 conv over the anchors'
    integer symbols (clamped to +-CTX_CLIP). Both pass-2 heads are mean-scale's heads widened by CTX_CHANNELS input
    channels; `init_context_heads()` copies the narrow heads in with zero context weights, so a fresh context
    model starts exactly at mean-scale. See docs/learned-codecs.md "Checkerboard context"."""

    name = "checkerboard"

    def __init__(self, n=SHIPPED_N, m=SHIPPED_M, nz=SHIPPED_NZ, c=CTX_CHANNELS, nt=None):
        super().__init__(n, m, nz, nt)
        self.c_ctx = c
        self.context = CheckerboardIntConv2d(m, c, CTX_KERNEL, s_in=1.0, s_out=FEATURE_SCALE, clip=CTX_CLIP)
        self.ctx_scale_head = IntConv2d(n + c, m, 3, s_in=FEATURE_SCALE, s_out=1.0, lo=0, hi=NUM_SCALES - 1)
        self.ctx_mean_head = nn.Sequential(nn.Conv2d(n + c, n, 3, padding=1), nn.LeakyReLU(inplace=True),
                                           nn.Conv2d(n, m, 3, padding=1))

    @torch.no_grad()
    def init_context_heads(self):
        """Pass-2 heads = the pass-1 heads with zero weights on the context features."""
        n = self.n
        for wide, narrow in ((self.ctx_scale_head.conv, self.scale_head.conv), (self.ctx_mean_head[0], self.mean_head[0])):
            wide.weight.zero_()
            wide.weight[:, :n] = narrow.weight
            wide.bias.copy_(narrow.bias)
        self.ctx_mean_head[2].weight.copy_(self.mean_head[2].weight)
        self.ctx_mean_head[2].bias.copy_(self.mean_head[2].bias)

    def passes(self, y, feats):
        """(index, means, anchor mask, ctx): every element's table index and mean, anchors from pass 1, the others
        from pass 2 (which reads the anchors' symbols round(y - means_1) through the integer context)."""
        idx1, mu1 = self.scale_head(feats), self.means(feats)
        anchor = checkerboard_anchors(y.shape[2], y.shape[3], y.device)
        ctx = self.context(round_ste(y - mu1) * anchor)  # the non-anchors are never read; zeroed for clarity
        cat = torch.cat([feats, ctx], 1)
        idx2, mu2 = self.ctx_scale_head(cat), self.ctx_mean_head(cat / FEATURE_SCALE)
        return idx1 * anchor + idx2 * (1 - anchor), mu1 * anchor + mu2 * (1 - anchor), anchor, ctx

    def code(self, y, t, noise=True):
        z = self.h_a(self.hyper_input(y))
        z_hat = torch.clamp(round_ste(z), -Z_CLAMP, Z_CLAMP)
        z_noisy = z + torch.empty_like(z).uniform_(-0.5, 0.5) if noise else z_hat
        idx, mu, anchor, _ = self.passes(y, self.h_s(z_hat))
        centred = y - mu
        y_noisy = centred + torch.empty_like(y).uniform_(-0.5, 0.5) if noise else torch.round(centred)
        b = self.latent_bits(bits(gaussian_likelihood(y_noisy, scale_from_index(idx))))
        bits_anchor = (b * anchor).sum((1, 2, 3))
        return {"y_hat": round_ste(centred) + mu, "bits_y": b.sum((1, 2, 3)),
                "bits_anchor": bits_anchor, "bits_z": bits(self.z_density.likelihood(z_noisy)).sum((1, 2, 3))}


MODELS = {"factorized": Factorized, "hyperprior": Hyperprior, "mean-scale": MeanScale, "checkerboard": Checkerboard}
