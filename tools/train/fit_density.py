#!/usr/bin/env python3
"""Fit a factorized model's per-level densities (layers.RateFactorizedDensity) with its transforms frozen.

    nice -n 19 /usr/bin/python3 tools/train/fit_density.py --steps 700 --batch 24            # upgrade, in place
    nice -n 19 /usr/bin/python3 tools/train/fit_density.py --hard --steps 400 --lr 1e-3 --batch 24 \
        --out tools/train/runs/factorized/calibrated.pt                                    # before export

It caches the analysis transform's latents of random training crops once (the transforms are frozen, and
y(t) = y * gain(t)), then trains only the density parameters on the rate term (the distortion does not depend
on them), at a learning rate of its own. Two uses:

- Upgrade: a checkpoint from before the per-level densities has one density per channel for all rates; loading
  it starts every level from that density (models.Factorized.load_state_dict). At the late learning rates of a
  long run the levels would separate only slowly, so they are fitted alone first, on the noisy latents of
  training. The checkpoint is rewritten in place (the old one kept as ckpt.before-levels.pt), with the
  optimizer state of every parameter kept; train.py then continues the whole model.
- Calibration (--hard): training fits the density to latents with additive uniform noise, the coder sees
  rounded ones. Fitting the likelihood of the rounded symbols themselves before export took 0.6-1.0 % off the
  validation bpp (400 steps, ~3 CPU-minutes). Write it to --out and export that checkpoint.

Each fit is recorded in the checkpoint (`density_fits`; export.py copies it to the package's provenance).
"""
import argparse
import os
import shutil
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from data import DATA, CropSampler, load_split  # noqa: E402
from layers import bits  # noqa: E402
from train import RUNS, build, limit_openblas, validate  # noqa: E402


def val_bpp(net, imgs):
    """Model bpp of the hard-rounded latents on the validation centre crops at t = 0, 0.5, 1 (train.validate)."""
    return [b for _, b, _ in validate(net, imgs, torch.device("cpu"))]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", default="factorized")
    ap.add_argument("--n", type=int, default=96)
    ap.add_argument("--m", type=int, default=128)
    ap.add_argument("--steps", type=int, default=1200)
    ap.add_argument("--batch", type=int, default=16, help="cached latent crops per step (one rate t each)")
    ap.add_argument("--crops", type=int, default=640, help="training crops whose latents are cached")
    ap.add_argument("--crop", type=int, default=128)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--lr-end", type=float, default=1e-4)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--hard", action="store_true", help="fit the likelihood of the rounded symbols the coder "
                    "sees instead of the noisy latents of training (a calibration before export)")
    ap.add_argument("--ckpt", help="checkpoint to read (default runs/<run>/ckpt.pt, rewritten in place)")
    ap.add_argument("--out", help="write here instead of rewriting the checkpoint")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    limit_openblas(args.threads)
    torch.manual_seed(args.seed)

    path = args.ckpt or os.path.join(RUNS, args.run, "ckpt.pt")
    ck = torch.load(path, map_location="cpu", weights_only=False)
    net = build("factorized", args.n, args.m, 0)
    net.load_state_dict(ck["model"])
    net.eval()
    dens = list(net.density.parameters())
    for p in net.parameters():
        p.requires_grad_(False)
    for p in dens:
        p.requires_grad_(True)

    t0 = time.time()
    sampler = CropSampler(load_split("train", args.data)[1], args.crop, torch.Generator().manual_seed(args.seed))
    with torch.no_grad():
        Y = torch.cat([net.g_a(sampler.batch(16)) for _ in range((args.crops + 15) // 16)])
    val = load_split("val", args.data)[1]
    before = val_bpp(net, val)
    print(f"[levels] cached {tuple(Y.shape)} latents in {time.time() - t0:.0f} s; val bpp at t=0/.5/1 "
          f"{' '.join(f'{b:.4f}' for b in before)}", flush=True)

    opt = torch.optim.Adam(dens, lr=args.lr)
    npix = args.crop * args.crop
    for step in range(1, args.steps + 1):
        lr = args.lr * (args.lr_end / args.lr) ** ((step - 1) / max(1, args.steps - 1))
        for g in opt.param_groups:
            g["lr"] = lr
        t = torch.rand(args.batch)
        v = Y[torch.randint(0, Y.shape[0], (args.batch,))] * net.gain.gain(t)
        v = torch.round(v) if args.hard else v + torch.empty_like(v).uniform_(-0.5, 0.5)
        loss = bits(net.density.likelihood(v, t)).sum() / (args.batch * npix)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if step % 100 == 0:
            print(f"[levels] step {step} bpp {loss.item():.4f} lr {lr:.2e} ({time.time() - t0:.0f} s)", flush=True)
    after = val_bpp(net, val)
    print(f"[levels] val bpp at t=0/.5/1 {' '.join(f'{a:.4f}' for a in after)} "
          f"({' '.join(f'{100 * (a / b - 1):+.1f}%' for a, b in zip(after, before))})", flush=True)

    # The main optimizer's state stays as saved: train.py widens old density moments when it resumes.
    ck["model"] = net.state_dict()
    ck.setdefault("density_fits", []).append({
        "at_step": ck["step"], "steps": args.steps, "batch": args.batch, "crops": args.crops, "crop": args.crop,
        "lr": [args.lr, args.lr_end], "cpu_s": round(time.process_time(), 1), "hard": args.hard,
        "val_bpp_before": [round(b, 5) for b in before], "val_bpp_after": [round(a, 5) for a in after]})
    out = args.out or path
    if out == path:
        shutil.copyfile(path, os.path.join(os.path.dirname(path), "ckpt.before-levels.pt"))
    torch.save(ck, out + ".tmp")
    os.replace(out + ".tmp", out)
    print(f"[levels] wrote {out}", flush=True)


if __name__ == "__main__":
    main()
