#!/usr/bin/env python3
"""Widen a mean-scale (or hyperprior) checkpoint's latent channels M, or the transforms' inner channels Nt,
without changing what it computes.

    /usr/bin/python3 tools/train/widen.py --from tools/train/runs/ms-ft/ckpt.pt --m 192 --run ms-m192
    nice -n 19 /usr/bin/python3 tools/train/train.py --model mean-scale --run ms-m192 --m 192 --bf16 ...
    /usr/bin/python3 tools/train/widen.py --from tools/train/runs/ms-ft/ckpt.pt --nt 128 --run ms-nt128 --check
    /usr/bin/python3 tools/train/widen.py --from public/models/mean-scale --nt 128 --run ms-nt128   # what ships
    # new latents fitted to what the old code loses, read first with the rest frozen and without rate, then joint:
    /usr/bin/python3 tools/train/widen.py --from public/models/mean-scale --m 192 --m-init residual --run ms-m192r
    nice -n 19 /usr/bin/python3 tools/train/train.py --model mean-scale --run ms-m192r --m 192 --new-from 128 \
        --only-new --holiday 300 --bf16 --ema 0 --lr 5e-4 --warmup 50 --max-steps 46404 --threads 2
    nice -n 19 /usr/bin/python3 tools/train/train.py --model mean-scale --run ms-m192r --m 192 --fresh-optimizer ...
    nice -n 19 /usr/bin/python3 tools/train/train.py --model mean-scale --run ms-nt128 --nt 128 --bf16 ...

The transforms' inner channels Nt (analysis and synthesis alike; the entropy model keeps its width N): each layer gets new
output channels with random weights at the spread of the existing ones (a fresh layer's features), every layer
that reads them gets zero weights for them, and each GDN / IGDN normalises a new channel by itself only (the
initial diagonal) and an old one as before. So the output is exactly the old one, and the zero weights get a
gradient at once (the new channels' activations are not zero), which then reaches the new rows.

The new latent channels are added so that the reconstruction is unchanged at first (Net2Net-style, Chen et al.
2016): the analysis transform's last layer gets new output channels with small random weights (1 % of the
existing weights' spread: the new latents round to 0), the synthesis' first layer reads them with tiny random
weights (the only path that gives the new analysis rows a gradient while they round to 0), the hyper-analysis'
first layer with zero weights, the gain units start them at each
level's median gain, the mean head predicts 0 for them and the integer scale head starts them at the scale index
of the smallest scale (so their near-zero symbols cost almost nothing). Training then decides what they carry.
Measured by `--check`: the same x_hat on the benchmark photos, and the bits the new channels add.

The widening starts from the checkpoint's moving average when it keeps one (what validation and export use).
Writes runs/<run>/ckpt.pt as a weights-only checkpoint (train.py continues it with a fresh Adam state) that keeps
the source run's step count, CPU time and history, and records the widening in its `init`.
"""
import argparse
import math
import os
import sys

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from models import NUM_SCALES, SCALE_MAX, SCALE_MIN  # noqa: E402
from train import RUNS, benchmark_val, build, validate, weights_of  # noqa: E402


def widen_rows(w, extra, scale):
    """Append `extra` output rows (dim 0): random with the std of the existing rows times `scale` (0 = zeros)."""
    new = torch.randn((extra,) + tuple(w.shape[1:]), generator=GEN) * w.std() * scale
    return torch.cat([w, new.to(w.dtype)], 0)


def widen_cols(w, extra, scale=0.0):
    """Append `extra` input columns (dim 1): random with the std of the existing ones times `scale` (0 = zeros)."""
    new = torch.randn((w.shape[0], extra) + tuple(w.shape[2:]), generator=GEN) * w.std() * scale
    return torch.cat([w, new.to(w.dtype)], 1)


GEN = torch.Generator().manual_seed(0)

# The tensors widen_state() widens for new latent channels, and the dimension in each that indexes the latents:
# what train.py --only-new trains (their new slices) while everything else stays as it was.
NEW_M_SLICES = {"g_a.6.weight": 0, "g_a.6.bias": 0, "g_s.0.conv.weight": 1, "gain.log_gain": 1,
                "gain.log_inv_gain": 1, "h_a.0.weight": 1, "scale_head.conv.weight": 0, "scale_head.conv.bias": 0,
                "mean_head.2.weight": 0, "mean_head.2.bias": 0}


def widen_state(sd, m_old, m_new, spread=0.01):
    """New latent channels: the analysis' new rows at `spread` times its existing rows' spread (0.01: the new
    latents round to 0 and the output is unchanged to 1e-5; larger: they carry symbols from the start, at a cost in
    bits, and the output moves by what the synthesis' tiny reading weights make of them)."""
    e = m_new - m_old
    sd = dict(sd)
    sd["g_a.6.weight"] = widen_rows(sd["g_a.6.weight"], e, spread)
    sd["g_a.6.bias"] = torch.cat([sd["g_a.6.bias"], torch.zeros(e)])
    # tiny, not zero: the new latents round to 0 at first, so only this path gives the analysis rows a gradient
    sd["g_s.0.conv.weight"] = widen_cols(sd["g_s.0.conv.weight"], e, 0.01)
    for k in ("gain.log_gain", "gain.log_inv_gain"):
        med = sd[k].median(dim=1, keepdim=True).values
        sd[k] = torch.cat([sd[k], med.repeat(1, e)], 1)
    sd["h_a.0.weight"] = widen_cols(sd["h_a.0.weight"], e)
    # integer scale head: zero weights; the bias (an index: s_out = 1) is set by match_scales() below
    sd["scale_head.conv.weight"] = widen_rows(sd["scale_head.conv.weight"], e, 0.0)
    sd["scale_head.conv.bias"] = torch.cat([sd["scale_head.conv.bias"], torch.zeros(e)])
    if "mean_head.2.weight" in sd:
        sd["mean_head.2.weight"] = widen_rows(sd["mean_head.2.weight"], e, 0.0)
        sd["mean_head.2.bias"] = torch.cat([sd["mean_head.2.bias"], torch.zeros(e)])
    return sd


def ridge(feats, target, alpha=1e-3):
    """(W, b) with feats @ W + b ~ target in least squares, with an intercept and an L2 penalty of alpha times the
    mean diagonal of the centred Gram matrix on W; float64."""
    f, t = feats.double(), target.double()
    fm, tm = f.mean(0), t.mean(0)
    fc = f - fm
    a = fc.T @ fc
    a += alpha * a.diagonal().mean() * torch.eye(a.shape[0], dtype=a.dtype)
    w = torch.linalg.solve(a, fc.T @ (t - tm))
    return w, tm - fm @ w


@torch.no_grad()
def residual_init(net, m_old, crops, noise_share=0.3, alpha=1e-3):
    """Start the new latent channels on what the old code loses (--m-init residual), not on noise that the rate
    then kills before the synthesis can learn to read it (NOTES, session 7):

    - the residual x - x_hat at t = 1 (the new channels still 0) in 16x16x3 blocks, one per latent;
    - its principal directions, the top (M_new - M_old) of them, and each block's coefficients c on them;
    - a ridge regression from the 5x5 patches of the analysis' last features (what its last layer reads, the
      same unfold order as the convolution's weights) to c: the new rows and biases;
    - scaled per channel so that at t = 1 a quantisation step in c is 1/k, with k such that rounding all new
      coefficients adds noise_share of the old code's MSE (e / (12 k^2 768) = noise_share * MSE).

    The synthesis reads the new channels with zero weights (the output stays the old one); train.py --only-new
    --holiday then teaches it to. Returns what the regression found, on a held-out fifth of the blocks."""
    e = net.m - m_old
    t1 = torch.ones(1)
    net.eval()
    net.g_s[0].conv.weight[:, m_old:] = 0  # first: x_hat below is then the old code's whatever the new rows hold
    feats, blocks = [], []
    for x in crops:
        h = net.g_a[:-1](x)
        r = x - net.rd(x, t1, noise=False)["x_hat"]
        blocks.append(F.unfold(r, 16, stride=16).transpose(1, 2).reshape(-1, 3 * 256))
        feats.append(F.unfold(h, 5, padding=2, stride=2).transpose(1, 2).reshape(-1, h.shape[1] * 25))
    blocks, feats = torch.cat(blocks).double(), torch.cat(feats).double()
    mse = float((blocks ** 2).mean())
    centred = blocks - blocks.mean(0)
    evals, evecs = torch.linalg.eigh(centred.T @ centred / len(centred))
    basis = evecs[:, -e:].flip(1)  # the top e directions, largest first
    c = centred @ basis
    k = len(c) * 4 // 5
    w, b = ridge(feats[:k], c[:k], alpha)
    held = c[k:]
    r2 = 1 - ((feats[k:] @ w + b - held) ** 2).sum(0) / ((held - held.mean(0)) ** 2).sum(0)
    w, b = ridge(feats, c, alpha)
    step = math.sqrt(e / (12 * 768 * noise_share * mse))
    scale = step / net.gain.gain(t1)[0, m_old:, 0, 0].double()  # the new channels' gain at t = 1
    last = net.g_a[-1]
    last.weight[m_old:] = (w.T * scale[:, None]).to(last.weight.dtype).view(e, *last.weight.shape[1:])
    last.bias[m_old:] = (b * scale).to(last.bias.dtype)
    top = evals.flip(0)[:e]  # the variances along `basis`
    total, kept = float(evals.sum()), float(top.sum())
    explained = float((r2.clamp(min=0) * top).sum())
    return {"blocks": len(c), "mse": mse, "pca_share": kept / total, "explained_share": explained / total,
            "r2_first": r2[:8].tolist(), "r2_mean": float(r2.mean()), "step": step,
            "gain_if_decoded_db": -10 * math.log10(1 - explained / total)}


def widen_gdn(sd, key, extra, diag=0.1):
    """A GDN / IGDN over `extra` more channels: old channels normalised as before (zero effective gamma towards the
    new ones), each new one by itself (gamma_ii = diag, beta = 1, as a fresh layer starts)."""
    from layers import GDN
    beta, gamma = sd[key + ".beta"], sd[key + ".gamma"]
    c = beta.numel()
    zero = math.sqrt(GDN.PEDESTAL)  # the stored value whose effective gamma is 0 (effective = max(p, bound)^2 - pedestal)
    g = torch.full((c + extra, c + extra), zero, dtype=gamma.dtype)
    g[:c, :c] = gamma
    g[range(c, c + extra), range(c, c + extra)] = math.sqrt(diag + GDN.PEDESTAL)
    sd[key + ".gamma"] = g
    sd[key + ".beta"] = torch.cat([beta, torch.full((extra,), math.sqrt(1 + GDN.PEDESTAL), dtype=beta.dtype)])


def widen_inner(sd, n_old, n_new):
    """N -> n_new in both transforms (models.analysis / models.synthesis: conv, GDN, conv, GDN, conv, GDN, conv)."""
    e = n_new - n_old
    sd = dict(sd)
    for side, w in (("g_a", "{}.weight"), ("g_s", "{}.conv.weight")):
        for layer in (0, 2, 4, 6):
            k = w.format(f"{side}.{layer}")
            b = k[:-len("weight")] + "bias"
            r = 4 if side == "g_s" else 1  # sub-pixel convolutions: channel c is rows c*4 ... c*4+3 (PixelShuffle)
            if layer > 0:  # reads the new channels: zero weights
                sd[k] = widen_cols(sd[k], e, 0.0)
            if layer < 6:  # new output channels: random, a fresh layer's spread
                sd[k] = widen_rows(sd[k], e * r, 1.0)
                sd[b] = torch.cat([sd[b], torch.zeros(e * r, dtype=sd[b].dtype)])
                widen_gdn(sd, f"{side}.{layer + 1}", e)
    return sd


@torch.no_grad()
def extend_levels(sd, levels):
    """More rate anchors above the top one (t then spans a wider lambda range; anchor_lambdas): each new level's
    log gains go on from the top two levels' in a straight line, as the lambdas do, and a factorized model's
    per-level densities start as the top level's. Old anchor i sits at the new t = i / (levels - 1) and computes
    what it did (t between anchors interpolates as before)."""
    from models import anchor_lambdas, levels_in
    old = levels_in(sd)
    if levels <= old:
        raise SystemExit(f"nothing to extend: {old} rate anchors -> {levels}")
    sd = dict(sd)
    m = sd["gain.log_gain"].shape[1]
    for key in ("gain.log_gain", "gain.log_inv_gain"):
        g = sd[key]
        step = g[-1] - g[-2]
        sd[key] = torch.cat([g] + [(g[-1] + k * step)[None] for k in range(1, levels - old + 1)])
    sd["gain.lambdas"] = torch.tensor(anchor_lambdas(levels), dtype=sd["gain.lambdas"].dtype)
    for key, v in list(sd.items()):
        if key.startswith("density.") and v.shape[0] == old * m:  # level-major rows (RateFactorizedDensity)
            top = v[(old - 1) * m:]
            sd[key] = torch.cat([v] + [top] * (levels - old))
    return sd


def match_scales(net, m_old, imgs):
    """Start each new channel's scale index at the Gaussian scale of its latents (std over a few benchmark photos
    at t = 0.5), so what they carry at first costs what a matched prior would charge."""
    with torch.no_grad():  # a change of the weights, not a step of training
        ys = [net.g_a(im.float().div(255).unsqueeze(0)) * net.gain.gain(torch.tensor([0.5])) for im in imgs]
        std = torch.cat([y[0, m_old:].flatten(1) for y in ys], 1).std(1)
        idx = ((NUM_SCALES - 1) * torch.log(std.clamp(min=SCALE_MIN) / SCALE_MIN) / math.log(SCALE_MAX / SCALE_MIN)).round()
        net.scale_head.conv.bias[m_old:] = idx.clamp(0, NUM_SCALES - 1)
    return std


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--from", dest="src", required=True,
                    help="checkpoint to widen, or a package folder (public/models/mean-scale) to start from what ships")
    ap.add_argument("--model", default="mean-scale", choices=["mean-scale", "hyperprior", "checkerboard", "factorized"],
                    help="--m and --nt: mean-scale or hyperprior; --levels: any")
    ap.add_argument("--m", type=int, help="new number of latent channels")
    ap.add_argument("--nt", type=int, help="new number of the transforms' inner channels (the entropy model keeps N)")
    ap.add_argument("--m-spread", type=float, default=0.01,
                    help="--m: the new analysis rows' spread relative to the existing rows' (0.01: the new latents "
                         "round to 0 at first and learn slowly; 0.12: +5 % bits at t = 1, symbols from the first step)")
    ap.add_argument("--m-init", choices=["spread", "residual"], default="spread",
                    help="--m: the new analysis rows at random (--m-spread), or fitted to what the old code loses at "
                         "t = 1 (residual_init, on --init-crops training crops; the synthesis then reads them with "
                         "zero weights: train with --only-new --holiday first)")
    ap.add_argument("--init-crops", type=int, default=96, help="--m-init residual: 256x256 training crops to fit on")
    ap.add_argument("--levels", type=int, help="more rate anchors above the top one (extend_levels): 9 puts t = 1 at "
                    "lambda 0.164 (CompressAI's q8 is 0.18)")
    ap.add_argument("--run", required=True)
    ap.add_argument("--check", action="store_true", help="compare old and new on the benchmark photos first")
    args = ap.parse_args()

    from_package = os.path.isdir(args.src)
    if from_package:  # a package: its weights, step count and history, as train.py continues it
        from package_io import checkpoint_from_package
        ck = checkpoint_from_package(args.src, args.model)
    else:
        ck = torch.load(args.src, map_location="cpu", weights_only=False)
    old_args = ck.get("args") or {}
    n, m_old, nz = old_args.get("n", 96), old_args.get("m", 128), old_args.get("nz", 64)
    n_old = old_args.get("nt") or n
    n_new, m_new = args.nt or n_old, args.m or m_old
    sd = weights_of(ck)
    from models import levels_in
    l_old = levels_in(sd)
    l_new = args.levels or l_old
    if n_new < n_old or m_new < m_old or (n_new, m_new, l_new) == (n_old, m_old, l_old):
        raise SystemExit(f"nothing to widen: N {n_old} -> {n_new}, M {m_old} -> {m_new}, rate anchors {l_old} -> {l_new}")
    if (n_new, m_new) != (n_old, m_old) and args.model not in ("mean-scale", "hyperprior"):
        raise SystemExit("--m and --nt widen mean-scale or hyperprior checkpoints")
    old = build(args.model, n, m_old, nz, n_old)
    old.load_state_dict(sd)
    new = build(args.model, n, m_new, nz, n_new)
    if n_new > n_old:
        sd = widen_inner(sd, n_old, n_new)
    if m_new > m_old:
        sd = widen_state(sd, m_old, m_new, args.m_spread)
    if l_new > l_old:
        sd = extend_levels(sd, l_new)
    new.set_levels(l_new)
    missing = set(new.state_dict()) - set(sd)
    bad = [k for k, v in new.state_dict().items() if k in sd and sd[k].shape != v.shape]
    if missing or bad:
        raise SystemExit(f"cannot widen: missing {sorted(missing)}, shapes differ for {bad}")
    new.load_state_dict(sd)
    imgs = benchmark_val()[1][:4]
    if m_new > m_old and args.m_init == "residual":
        from data import CropSampler, load_split
        crops = CropSampler(load_split("train")[1], 256, torch.Generator().manual_seed(7), scale=(384, 768))
        rep = residual_init(new, m_old, [crops.batch(1) for _ in range(args.init_crops)])
        print(f"[widen] residual init on {rep['blocks']} blocks: the top {m_new - m_old} directions hold "
              f"{100 * rep['pca_share']:.1f} % of the residual, the regression explains {100 * rep['explained_share']:.1f} % "
              f"(held out; R² {rep['r2_mean']:.2f} mean, first {', '.join(f'{v:.2f}' for v in rep['r2_first'][:4])}): "
              f"+{rep['gain_if_decoded_db']:.2f} dB at t = 1 if decoded exactly; step 1/{rep['step']:.1f}", flush=True)
    if m_new > m_old:
        std = match_scales(new, m_old, imgs)
        print(f"[widen] new channels' latent std at t = 0.5: {std.min():.3f} … {std.max():.3f}")

    if args.check:
        for t in (0.0, 1.0):  # the same anchors: the old top is the new t = (l_old - 1) / (l_new - 1)
            (_, b0, p0), = validate(old, imgs, torch.device("cpu"), ts=(t,), size=None)
            (_, b1, p1), = validate(new, imgs, torch.device("cpu"), ts=(t * (l_old - 1) / (l_new - 1),), size=None)
            print(f"[widen] t={t}: Nt={n_old} M={m_old} {b0:.4f} bpp {p0:.3f} dB; "
                  f"Nt={n_new} M={m_new} {b1:.4f} bpp {p1:.3f} dB")

    run_dir = os.path.join(RUNS, args.run)
    os.makedirs(run_dir, exist_ok=True)
    if from_package:  # the package's training logs, so that the run's plots keep the whole history
        from package_io import copy_logs
        copy_logs(os.path.join(HERE, "logs", args.model), run_dir, overwrite=False)
    # weights only: the optimizer state and the moving average are of the old shapes (train.py starts both afresh)
    out = {k: v for k, v in ck.items() if k not in ("model", "opt", "rng", "opt_from", "ema", "ema_n", "ema_decay")}
    out["model"] = new.state_dict()
    out["args"] = dict(old_args, nt=n_new, m=m_new)
    out["init"] = {"from": os.path.relpath(args.src, HERE), "step": ck.get("step"), "cpu_s": ck.get("cpu_s", 0.0),
                   "widened": {"nt_from": n_old, "nt_to": n_new, "m_from": m_old, "m_to": m_new,
                               **({"levels_from": l_old, "levels_to": l_new} if l_new != l_old else {})},
                   "prior": ck.get("init")}
    torch.save(out, os.path.join(run_dir, "ckpt.pt"))
    print(f"[widen] wrote {run_dir}/ckpt.pt (Nt {n_old} -> {n_new}, M {m_old} -> {m_new}, rate anchors {l_old} -> "
          f"{l_new}, step {ck.get('step')})")


if __name__ == "__main__":
    main()
