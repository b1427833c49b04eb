#!/usr/bin/env python3
"""Fit a model's entropy model with its transforms frozen.

    nice -n 19 /usr/bin/python3 tools/train/fit_density.py --steps 700 --batch 24            # upgrade, in place
    nice -n 19 /usr/bin/python3 tools/train/fit_density.py --hard --steps 400 --lr 1e-3 --batch 24 \
        --out tools/train/runs/factorized/calibrated.pt                                    # before export
    nice -n 19 /usr/bin/python3 tools/train/fit_density.py --model mean-scale --steps 15000 --crops 2048 \
        --lr 5e-4 --lr-end 3e-5 --threads 2 --init-from tools/train/runs/factorized/calibrated.pt  # new hyperprior
    nice -n 19 /usr/bin/python3 tools/train/fit_density.py --model mean-scale --steps 15000 --crops 2048 \
        --lr 2e-4 --lr-end 2e-5 --threads 2 --seed 6                                       # ... fitted on

It caches the analysis transform's latents of random training crops once (the transforms are frozen, and
y(t) = y * gain(t)), then trains only the entropy model (`models.LearnedCodec.entropy_params`) on the rate term
(the distortion does not depend on it), at a learning rate of its own. Three uses:

- Upgrade: a `factorized` checkpoint from before the per-level densities has one density per channel for all
  rates; loading it starts every level from that density (models.Factorized.load_state_dict). At the late
  learning rates of a long run the levels would separate only slowly, so they are fitted alone first, on the
  noisy latents of training. The checkpoint is rewritten in place (the old one kept as ckpt.before-levels.pt),
  with the optimizer state of every parameter kept; train.py then continues the whole model.
- Calibration (--hard, `factorized`): training fits the density to latents with additive uniform noise, the
  coder sees rounded ones. Fitting the likelihood of the rounded symbols themselves before export took
  0.6-1.0 % off the validation bpp (400 steps, ~3 CPU-minutes). Write it to --out and export that checkpoint.
- A hyperprior on trained transforms (--init-from, `hyperprior` / `mean-scale`): copy another run's transforms
  and gain units (e.g. the factorized model's) and fit a fresh hyperprior (hyper-analysis, integer
  hyper-synthesis, scale and mean heads, z density) on their latents, on the noisy rate of training. Writes
  runs/<run>/ckpt.pt (weights only; the fit's steps, CPU time and log.csv are the run's first); train.py can
  train the whole model on from it with a fresh optimizer. Only the hyper networks run per step (0.09 s for 16
  latent crops on 2 threads, after ~5 minutes of caching 2048 of them). The shipped mean-scale is such a fit;
  see NOTES.md "A hyperprior on the factorized transforms" for what it bought and what training on did.
  `checkerboard` (mean-scale + checkerboard context, docs/learned-codecs.md "Checkerboard context") starts from a
  mean-scale checkpoint or package (--init-from public/models/mean-scale): its whole hyper-prior is copied and the
  context model's heads start as mean-scale's (models.Checkerboard.init_context_heads), so the fit only adds the
  context; the context conv and both pass-2 heads run as exact integer layers while fitting. When only the
  transforms moved (a fine-tune), --entropy-from public/models/checkerboard starts the whole entropy model from
  the shipped fit instead, on the new transforms.
  Run again without --init-from (and without --hard) on such a run, before any train.py step, the fit goes on
  (`continues`): another --seed caches other crops, the checkpoint's weights start it, its steps, CPU time and
  log rows add to the run's, and the previous checkpoint is kept as ckpt.before-fit.pt.

Each fit is recorded in the checkpoint (`density_fits`; export.py copies it to the package's provenance).
"""
import argparse
import csv
import os
import shutil
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from commands import SEED, run_fits  # noqa: E402
from data import DATA, CropSampler, load_split  # noqa: E402
from models import MODELS, SHIPPED_M, SHIPPED_N, SHIPPED_NZ, TRANSFORMS  # noqa: E402
from train import HERE as TRAIN_DIR, RUNS, benchmark_val, build, limit_openblas, validate, weights_of  # noqa: E402



def val_bpp(net, imgs):
    """Model bpp of the hard-rounded latents on the benchmark photos training validates on (train.benchmark_val,
    whole images) at t = 0, 0.5, 1."""
    return [b for _, b, _ in validate(net, imgs, torch.device("cpu"), size=None)]


FIT_SCALE = (384, 768)  # the photos' short side before cropping, as train.py --scale (data.CropSampler)


def only_fits(ck):
    """True when a checkpoint's run is nothing but such fits (no train.py step after them): a further fit
    continues it, and export gives their commands as the whole recipe."""
    done = run_fits(ck.get("density_fits"))
    return bool(done) and ck["step"] == sum(f["steps"] for f in done)


def init_source(path):
    """(record, weights) of what --init-from names: a checkpoint (its moving average when it keeps one) or a model
    package folder (public/models/<name>: its integer layers as the float weights that reproduce them, f16
    transforms widened, the densities from its train_only tensors)."""
    if os.path.isdir(path):
        import numpy as np
        from package_io import read_package, torch_model_from_package
        manifest, T = read_package(path)
        w = torch_model_from_package(manifest, T).state_dict()
        for k in manifest.get("train_only", []):
            if k in w:
                w[k] = torch.from_numpy(T[k].astype(np.float32)).reshape(w[k].shape)
        prov = manifest.get("provenance", {})
        return {"step": prov.get("steps"), "cpu_s": round(3600 * prov.get("cpu_hours", 0.0), 1)}, w
    src = torch.load(path, map_location="cpu", weights_only=False)
    return src, weights_of(src)


def init_weights(net, model, src_w, entropy_w=None):
    """Start a new run (--init-from): the transforms and gain units from src_w; the entropy model afresh, or
    (checkerboard) mean-scale's whole hyper-prior from src_w with the context heads starting as its heads, or,
    with entropy_w (--entropy-from), every entropy-model tensor from entropy_w. Returns the names copied from
    src_w and from entropy_w; raises SystemExit when a source lacks what the start needs."""
    from models import levels_in
    levels = levels_in(src_w)
    net.set_levels(levels)  # as many rate anchors as the transforms' gain units have (widen.py --levels)
    if entropy_w is not None and levels_in(entropy_w) not in (None, levels):
        # an entropy model from before the anchors above: its per-level densities start the new levels as its top
        from widen import extend_levels
        entropy_w = extend_levels(entropy_w, levels)
    own = net.state_dict()
    transforms = [k for k in own if k.startswith(TRANSFORMS)]
    entropy = [k for k in own if not k.startswith(TRANSFORMS)]
    has = lambda w, k: k in w and w[k].shape == own[k].shape  # noqa: E731
    for w, needed, flag in ((src_w, transforms, "--init-from"), (entropy_w, entropy, "--entropy-from")):
        lacking = [k for k in needed if w is not None and not has(w, k)]
        if lacking:
            raise SystemExit(f"the {flag} source lacks tensors of this shape: {lacking[:4]}")
    from_entropy = entropy if entropy_w is not None else []
    # the checkerboard context starts from a mean-scale model's whole hyper-prior, the others afresh
    from_src = transforms + ([k for k in entropy if has(src_w, k)] if model == "checkerboard" and entropy_w is None else [])
    own.update({k: src_w[k] for k in from_src})
    own.update({k: entropy_w[k] for k in from_entropy})
    net.load_state_dict(own)
    if model == "checkerboard" and entropy_w is None:
        if not any(k.startswith("mean_head.") for k in from_src):
            raise SystemExit("the --init-from source has no mean-scale hyper-prior to start the checkerboard context from")
        net.init_context_heads()  # pass 2 starts exactly at mean-scale: the fit only has to add the context
    return from_src, from_entropy


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", choices=list(MODELS), default="factorized")
    ap.add_argument("--run", help="run folder (default: the model name)")
    ap.add_argument("--n", type=int, default=SHIPPED_N)
    ap.add_argument("--m", type=int, default=SHIPPED_M)
    ap.add_argument("--nz", type=int, default=SHIPPED_NZ)
    ap.add_argument("--steps", type=int, default=1200)
    ap.add_argument("--batch", type=int, default=16, help="cached latent crops per step (one rate t each)")
    ap.add_argument("--crops", type=int, default=640, help="training crops whose latents are cached")
    ap.add_argument("--crop", type=int, help="crop size (default 128; 256 for the hyperprior models, whose "
                    "hyper-analysis downsamples the latents 4x more)")
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--lr-end", type=float, default=1e-4)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=SEED, help="crops cached (and noise drawn)")
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--hard", action="store_true", help="fit the likelihood of the rounded symbols the coder "
                    "sees instead of the noisy latents of training (a calibration before export)")
    ap.add_argument("--init-from", help="checkpoint of another run (or a model package folder) whose transforms and "
                    "gains are copied; the entropy model starts afresh (checkerboard: from its mean-scale hyper-prior) "
                    "and the result is a new run's weights-only ckpt.pt")
    ap.add_argument("--entropy-from", help="with --init-from: a checkpoint or package of the same architecture whose "
                    "entropy model (everything but the transforms and gains) starts the fit, e.g. the shipped "
                    "checkerboard when only the transforms moved (a fine-tune): the fit starts near its end")
    ap.add_argument("--ckpt", help="checkpoint to read (default runs/<run>/ckpt.pt, rewritten in place)")
    ap.add_argument("--out", help="write here instead of rewriting the checkpoint")
    ap.add_argument("--no-val", action="store_true", help="skip the benchmark photos' bpp before and after (smoke runs)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    limit_openblas(args.threads)
    torch.manual_seed(args.seed)
    hyper = args.model != "factorized"
    crop = args.crop or (256 if hyper else 128)

    if args.entropy_from and not args.init_from:
        raise SystemExit("--entropy-from goes with --init-from (a new run on copied transforms)")
    path = args.ckpt or os.path.join(RUNS, args.run or args.model, "ckpt.pt")
    if args.init_from:
        if os.path.exists(args.out or path):
            raise SystemExit(f"{args.out or path} exists: move it away to start a new run from {args.init_from}")
        src, src_w = init_source(args.init_from)
        # the transforms come as wide as the source's (a widened run's, widen.py --nt)
        net = build(args.model, args.n, args.m, args.nz, src_w["g_a.0.weight"].shape[0])
        entropy_w = init_source(args.entropy_from)[1] if args.entropy_from else None
        from_src, from_entropy = init_weights(net, args.model, src_w, entropy_w)
        print(f"[fit] copied {len(from_src)} transform/gain tensors from {args.init_from} (step {src.get('step')})"
              + (f", {len(from_entropy)} entropy-model tensors from {args.entropy_from}" if entropy_w else ""),
              flush=True)
        init = {"from": os.path.relpath(args.init_from, TRAIN_DIR), "step": src.get("step"),
                "cpu_s": src.get("cpu_s", 0.0), "what": "transforms and gain units (fit_density.py)"}
        if args.entropy_from:
            init["entropy_from"] = os.path.relpath(args.entropy_from, TRAIN_DIR)
            init["what"] += f"; the entropy model from {init['entropy_from']}"
        elif args.model == "checkerboard":
            init["what"] = "transforms, gain units and hyper-prior (fit_density.py)"
        # the fit is the new run's first training: its steps, batch, crop and lr are the run's (train.py continues)
        ck = {"step": 0, "cpu_s": 0.0, "wall_s": 0.0, "init": init,
              "args": {"n": args.n, "m": args.m, "nz": args.nz, **({"nt": net.nt} if net.nt != net.n else {}), "batch": args.batch, "crop": crop, "lr": args.lr,
                       "warmup": 0, "scale": list(FIT_SCALE)}}
    else:
        ck = torch.load(path, map_location="cpu", weights_only=False)
        net = build(args.model, args.n, args.m, args.nz, ck["args"].get("nt"))
        net.load_state_dict(weights_of(ck))
    continues = not args.init_from and not args.hard and only_fits(ck)  # a further noisy fit goes on with the run
    net.eval()
    params = net.entropy_params()
    for p in net.parameters():
        p.requires_grad_(False)
    for p in params:
        p.requires_grad_(True)

    t0, c0 = time.time(), time.process_time()
    sampler = CropSampler(load_split("train", args.data)[1], crop, torch.Generator().manual_seed(args.seed), scale=FIT_SCALE)
    with torch.no_grad():
        Y = torch.cat([net.g_a(sampler.batch(16)) for _ in range((args.crops + 15) // 16)])
    val = None if args.no_val else benchmark_val()[1]
    before = val_bpp(net, val) if val else []
    print(f"[fit] cached {tuple(Y.shape)} latents in {time.time() - t0:.0f} s; val bpp at t=0/.5/1 "
          f"{' '.join(f'{b:.4f}' for b in before)}", flush=True)

    opt = torch.optim.Adam(params, lr=args.lr)
    npix = crop * crop
    log = None
    s0, w0, cpu0 = ck["step"], ck.get("wall_s", 0.0), ck.get("cpu_s", 0.0)  # a continued fit's log rows go on from the run's
    if args.init_from or continues:  # the run's log.csv (train.py's columns; no PSNR: the distortion is fixed)
        run_dir = os.path.dirname(os.path.abspath(args.out or path))
        os.makedirs(run_dir, exist_ok=True)
        logf = open(os.path.join(run_dir, "log.csv"), "a" if continues else "w", newline="")
        log = csv.writer(logf)
        if not continues:
            log.writerow(["step", "wall_s", "cpu_s", "loss", "bpp", "bpp_z", "psnr", "lr"])
        acc = [0.0, 0.0, 0]
    for step in range(1, args.steps + 1):
        lr = args.lr * (args.lr_end / args.lr) ** ((step - 1) / max(1, args.steps - 1))
        for g in opt.param_groups:
            g["lr"] = lr
        t = torch.rand(args.batch)
        c = net.code(Y[torch.randint(0, Y.shape[0], (args.batch,))] * net.gain.gain(t), t, noise=not args.hard)
        loss = (c["bits_y"] + c["bits_z"]).sum() / (args.batch * npix)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if hyper:
            torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        if log is not None:
            acc = [acc[0] + loss.item(), acc[1] + c["bits_z"].sum().item() / (args.batch * npix), acc[2] + 1]
            if step % 50 == 0:
                log.writerow([s0 + step, round(w0 + time.time() - t0, 1), round(cpu0 + time.process_time() - c0, 1),
                              round(acc[0] / acc[2], 5), round(acc[0] / acc[2], 5), round(acc[1] / acc[2], 5), "", lr])
                acc = [0.0, 0.0, 0]
        if step % 100 == 0:
            print(f"[fit] step {step} bpp {loss.item():.4f} lr {lr:.2e} ({time.time() - t0:.0f} s)", flush=True)
    after = val_bpp(net, val) if val else []
    print(f"[fit] val bpp at t=0/.5/1 {' '.join(f'{a:.4f}' for a in after)} "
          f"({' '.join(f'{100 * (a / b - 1):+.1f}%' for a, b in zip(after, before))})", flush=True)

    # The main optimizer's state stays as saved: train.py widens old density moments when it resumes.
    ck["model"] = net.state_dict()
    for k in ("ema", "ema_n", "ema_decay"):  # the fit started from the average: its result is the run's weights now
        ck.pop(k, None)
    cpu_s = round(time.process_time() - c0, 1)
    fit = {"at_step": ck["step"], "steps": args.steps, "batch": args.batch, "crops": args.crops, "crop": crop,
           "lr": [args.lr, args.lr_end], "cpu_s": cpu_s, "hard": args.hard, "seed": args.seed,
           "val_bpp_before": [round(b, 5) for b in before], "val_bpp_after": [round(a, 5) for a in after]}
    if args.init_from:  # a new run: the fit is its first training
        fit["init_from"] = ck["init"]["from"]
        if ck["init"].get("entropy_from"):
            fit["entropy_from"] = ck["init"]["entropy_from"]
    if continues:
        fit["continues"] = True
    if args.init_from or continues:  # the fit is the run's training: its steps and time count
        ck["step"], ck["cpu_s"], ck["wall_s"] = s0 + args.steps, round(cpu0 + cpu_s, 1), round(w0 + time.time() - t0, 1)
        logf.close()
    ck.setdefault("density_fits", []).append(fit)
    out = args.out or path
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    if out == path and os.path.exists(path):
        backup = "ckpt.before-fit.pt" if continues else "ckpt.before-levels.pt"
        shutil.copyfile(path, os.path.join(os.path.dirname(path), backup))
    torch.save(ck, out + ".tmp")
    os.replace(out + ".tmp", out)
    print(f"[fit] wrote {out}", flush=True)


if __name__ == "__main__":
    main()
