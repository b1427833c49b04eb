#!/usr/bin/env python3
"""How high can a model's curve go? The transforms' own ceiling, against what a linear code of M numbers per block keeps.

    /usr/bin/python3 tools/train/ceiling.py                                   # the shipped mean-scale
    /usr/bin/python3 tools/train/ceiling.py --ckpt tools/train/runs/ms-m192/ckpt.pt --model mean-scale

On the benchmark photos (bench/photos, and bench/photos-hard when prepared: `npm run benchmark -- [--set hard]
--prepare`), at the top rate t = 1, mean PSNR of
- the codec's rounding (y rounded with its quantisation step, around 0 here rather than the predicted mean: a
  close stand-in for what the codec decodes),
- y rounded with half the step,
- y not rounded at all: the analysis + synthesis pair's own ceiling, which no entropy model, rate range or
  encoder-side refinement can pass;
and the PSNR of the best linear code of K numbers per 16×16×3 block (PCA on the set's own blocks, 8-bit output)
for K = M and a few other widths: the latent channels M carry one 16×16 block each, so PCA at K = M is a yardstick
for how much a code that wide keeps. Prints JSON.
"""
import argparse
import glob
import json
import os
import sys

import numpy as np
import torch
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from metrics import psnr  # noqa: E402

BENCH = os.path.join(os.path.dirname(os.path.dirname(HERE)), "bench")
SETS = {"standard": "photos", "hard": "photos-hard"}


def psnr8(a, b):
    """PSNR of b against a (floats in [0, 1], a of an 8-bit image), b rounded to 8 bits as a decoder writes it."""
    to8 = lambda v: np.clip(np.round(v * 255), 0, 255).astype(np.uint8)  # noqa: E731
    return psnr(to8(a), to8(b))


def blocks_of(img, k=16):
    """An H×W×3 float image as rows of its k×k×3 blocks (the part that whole blocks cover)."""
    h, w = img.shape[0] // k * k, img.shape[1] // k * k
    return img[:h, :w].reshape(h // k, k, w // k, k, 3).transpose(0, 2, 1, 3, 4).reshape(-1, k * k * 3)


def pca_psnr(images, widths, k=16):
    """Mean PSNR over `images` of each one's blocks reconstructed from their first K principal components (PCA of
    all the images' blocks together), for each K in `widths`: {K: dB}."""
    blocks = [blocks_of(im, k) for im in images]
    allb = np.concatenate(blocks)
    mu = allb.mean(0)
    _, _, vt = np.linalg.svd(allb - mu, full_matrices=False)
    out = {}
    for K in widths:
        p = vt[:K]
        out[K] = float(np.mean([psnr8(b, (b - mu) @ p.T @ p + mu) for b in blocks]))
    return out


def load_model(args):
    if args.ckpt:
        from export import load_checkpoint
        net, _ = load_checkpoint(args.model, args.ckpt)
    else:
        from package_io import MODELS_DIR, read_package, torch_model_from_package
        manifest, T = read_package(os.path.join(MODELS_DIR, args.model))
        net = torch_model_from_package(manifest, T)
    return net.eval()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="mean-scale")
    ap.add_argument("--ckpt", help="a run's checkpoint (its moving average when it keeps one); default: the package")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    net = load_model(args)
    t = torch.tensor([1.0])
    report = {"model": args.ckpt or f"public/models/{args.model}", "M": net.m, "t": 1.0, "sets": {}}
    for name, folder in SETS.items():
        files = sorted(glob.glob(os.path.join(BENCH, folder, "*.png")))
        if not files:
            continue
        imgs = [np.asarray(Image.open(f).convert("RGB"), dtype=np.float64) / 255 for f in files]
        rows = {"rounded": [], "half step": [], "not rounded": []}
        with torch.no_grad():
            for im in imgs:
                x = torch.from_numpy(im).permute(2, 0, 1)[None].float()
                y = net.transform(net.g_a, x) * net.gain.gain(t)
                for key, q in (("rounded", 1.0), ("half step", 0.5), ("not rounded", 0.0)):
                    yq = y if q == 0 else torch.round(y / q) * q
                    xh = net.transform(net.g_s, yq * net.gain.inv_gain(t))[0].permute(1, 2, 0).double().numpy()
                    rows[key].append(psnr8(im, xh))
        widths = sorted({64, 128, 192, 320, net.m})
        report["sets"][name] = {
            "photos": len(files),
            "model_psnr": {k: round(float(np.mean(v)), 2) for k, v in rows.items()},
            "not_rounded_per_photo": {os.path.basename(f): round(v, 2) for f, v in zip(files, rows["not rounded"])},
            "pca_psnr": {K: round(v, 2) for K, v in pca_psnr(imgs, widths).items()},
        }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
