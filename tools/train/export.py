#!/usr/bin/env python3
"""Export a trained model as an RD Lab model package (docs/model-package.md):

    /usr/bin/python3 tools/train/export.py --model mean-scale [--ckpt tools/train/runs/mean-scale/ckpt.pt]

writes public/models/<model>/: manifest.json, weights.bin (the entropy model: hyper-analysis, integer
hyper-synthesis, means head, tables, known-answer vectors) and the training log plot, and the shared package
public/models/transforms-<first 8 hex digits of its SHA-256>/ (manifest.json, weights.bin: the analysis and
synthesis transforms and the gain units), unless a package of the same weights is already there — models
fitted on frozen transforms (fit_density.py --init-from) share it. The codec's manifest names it by SHA-256
("uses"). The model card (README.md) is written by eval.py, which measures the numbers it shows. No ONNX files:
the onnxruntime backends build their graphs from the op lists and the weights (src/codecs/learned/onnx-graph.ts).
"""
import argparse
import csv
import datetime
import hashlib
import json
import math
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import entropy_tables as et  # noqa: E402
from commands import fit_command, repo_path, run_fits  # noqa: E402
from fit_density import only_fits  # noqa: E402
from train import weights_of  # noqa: E402
from models import (FEATURE_SCALE, MODELS, NUM_SCALES, SCALE_MAX, SCALE_MIN,  # noqa: E402
                    Z_CLAMP, Checkerboard, Factorized, Hyperprior, MeanScale)

REPO = os.path.dirname(os.path.dirname(HERE))
MODELS_DIR = os.path.join(REPO, "public", "models")
FORMAT_VERSION = 2
PAPERS = {
    "factorized": "Ballé, Laparra, Simoncelli: End-to-end optimized image compression. ICLR 2017.",
    "hyperprior": "Ballé, Minnen, Singh, Hwang, Johnston: Variational image compression with a scale hyperprior. ICLR 2018.",
    "mean-scale": "Minnen, Ballé, Toderici: Joint autoregressive and hierarchical priors for learned image compression. NeurIPS 2018 (mean-scale hyperprior, no context model).",
    "checkerboard": "He, Zheng, Sun, Wang, Qin: Checkerboard context model for efficient learned image compression. CVPR 2021 (on Minnen et al.'s mean-scale hyperprior).",
}
COMMON_CREDITS = [
    "Gain units for continuous rate: Cui, Wang, Gao, Bai, Zhang: Asymmetric gained deep image compression with continuous rate adaptation. CVPR 2021.",
    "Integer hyper-synthesis: Ballé, Johnston, Minnen: Integer networks for data compression with latent-variable models. ICLR 2019.",
    "Sub-pixel convolution: Shi et al.: Real-time single image and video super-resolution using an efficient sub-pixel CNN. CVPR 2016.",
    "GDN: Ballé, Laparra, Simoncelli: Density modeling of images using a generalized normalization transformation. ICLR 2016.",
]


class TensorWriter:
    """Collects named tensors into one little-endian blob, each aligned to 16 bytes."""

    def __init__(self):
        self.chunks, self.table, self.offset = [], [], 0

    def add(self, name, array, dtype):
        a = np.ascontiguousarray(np.asarray(array).astype({"f32": "<f4", "f16": "<f2", "i8": "i1", "i32": "<i4"}[dtype]))
        pad = (-self.offset) % 16
        if pad:
            self.chunks.append(b"\0" * pad)
            self.offset += pad
        b = a.tobytes()
        self.table.append({"name": name, "dtype": dtype, "shape": list(a.shape), "offset": self.offset, "bytes": len(b)})
        self.chunks.append(b)
        self.offset += len(b)
        return name

    def blob(self):
        return b"".join(self.chunks)


def t2n(t):
    return t.detach().cpu().double().numpy()


def conv_entry(w, layer, dtype, stride, name):
    return {"op": "conv2d", "weight": w.add(name + ".weight", t2n(layer.weight), dtype),
            "bias": w.add(name + ".bias", t2n(layer.bias), "f32"),
            "kernel": layer.kernel_size[0], "stride": stride, "padding": layer.padding[0],
            "cin": layer.in_channels, "cout": layer.out_channels}


def export_sequential(seq, w, dtype, prefix):
    """nn.Sequential of conv / GDN / SubpelConv / LeakyReLU -> op list for the WGSL engine."""
    from layers import GDN, SubpelConv
    ops = []
    for i, layer in enumerate(seq):
        name = f"{prefix}.{i}"
        if isinstance(layer, torch.nn.Conv2d):
            ops.append(conv_entry(w, layer, dtype, layer.stride[0], name))
        elif isinstance(layer, SubpelConv):
            ops.append(conv_entry(w, layer.conv, dtype, 1, name + ".conv"))
            ops.append({"op": "depth_to_space", "block": 2})
        elif isinstance(layer, GDN):
            beta, gamma = layer.effective()
            ops.append({"op": "igdn" if layer.inverse else "gdn", "channels": beta.numel(),
                        "beta": w.add(name + ".beta", t2n(beta), "f32"),
                        "gamma": w.add(name + ".gamma", t2n(gamma), dtype)})
        elif isinstance(layer, torch.nn.LeakyReLU):
            ops.append({"op": "leaky_relu", "slope": layer.negative_slope})
        else:
            raise TypeError(f"cannot export {type(layer)}")
    return ops


def int_layer(layer):
    """IntConv2d -> (W_int int64, B_int int64, c int64, lo, hi), checked against int32 overflow."""
    with torch.no_grad():
        wi, bi, c = layer.integer_params()
    wi, bi, c = [np.rint(t.cpu().double().numpy()).astype(np.int64) for t in (wi, bi, c)]
    assert np.abs(wi).max() <= 127
    worst = np.abs(wi).reshape(wi.shape[0], -1).sum(1) * 127 + np.abs(bi) + (c >> 1)
    assert worst.max() < 2 ** 31, "integer layer could overflow int32"
    return wi, bi, c, layer.lo, layer.hi


def iconv_entry(w, layer, name):
    wi, bi, c, lo, hi = int_layer(layer)
    return {"op": "iconv2d", "kernel": wi.shape[2], "stride": 1, "padding": wi.shape[2] // 2,
            "cin": wi.shape[1], "cout": wi.shape[0],
            "weight": w.add(name + ".weight", wi, "i8"), "bias": w.add(name + ".bias", bi, "i32"),
            "divisor": w.add(name + ".divisor", c, "i32"), "lo": lo, "hi": hi}


def int_hyper_layers(net):
    return {"c1": int_layer(net.h_s.c1), "c2": int_layer(net.h_s.c2), "scale": int_layer(net.scale_head)}


def checkerboard_entry(w, layer, name):
    """CheckerboardIntConv2d -> the op checkerboard_iconv2d (the taps with ky + kx even are exported as 0)."""
    e = iconv_entry(w, layer, name)
    e["op"], e["clip"] = "checkerboard_iconv2d", layer.clip
    return e


def checkerboard_int_layers(net):
    return {"context": (*int_layer(net.context), net.context.clip), "index": int_layer(net.ctx_scale_head)}


def checkerboard_selftest(net, w):
    """Known answer of the checkerboard index path (docs/learned-codecs.md "Checkerboard context"): y symbols
    (beyond the clip on purpose) and integer features -> ctx and the fused index (anchors: the scale head's pass-1
    index over the features; non-anchors: the pass-2 head over concat(features, ctx))."""
    from intnet import checkerboard_index, iconv
    rng = np.random.default_rng(17)
    h, wd = 4, 6
    sym = rng.integers(-20, 21, size=(net.m, h, wd)).astype(np.int64)
    sym[:, 0, 0] = 300
    sym[:, 1, 1] = -300
    feats = rng.integers(0, 128, size=(net.n, h, wd)).astype(np.int64)
    idx1 = iconv(feats, *int_layer(net.scale_head))
    ctx, idx = checkerboard_index(feats, idx1, sym, checkerboard_int_layers(net))
    return {"symbols": w.add("cb_selftest.symbols", sym, "i32"), "features": w.add("cb_selftest.features", feats, "i8"),
            "ctx": w.add("cb_selftest.ctx", ctx, "i8"), "index": w.add("cb_selftest.index", idx, "i8")}


def load_checkpoint(model, ckpt):
    ck = torch.load(ckpt, map_location="cpu", weights_only=False)
    a = ck["args"]
    cls = MODELS[model]
    nt = a.get("nt")  # a widened run's transforms (widen.py --nt); None: as wide as the entropy model
    net = cls(a["n"], a["m"], nt=nt) if model == "factorized" else cls(a["n"], a["m"], a["nz"], nt=nt)
    net.load_state_dict(weights_of(ck))  # the moving average when the run kept one (train.py --ema)
    net.eval()
    return net, ck


def lambda_range(net):
    """The lambdas of the lowest and the top rate anchor (LAMBDA_MIN, LAMBDA_MAX unless widen.py --levels added
    anchors above), rounded as the constants are written."""
    lam = net.gain.lambdas.double()
    return [float(f"{lam[0].item():.4g}"), float(f"{lam[-1].item():.4g}")]


def channels_of(net):
    """A codec manifest's "channels": N is the entropy model's width (hyper-analysis, hyper-synthesis features),
    Nt the transforms' inner width, given only where it differs from N (docs/model-package.md)."""
    return {"N": net.n, **({"Nt": net.nt} if net.nt != net.n else {}), "M": net.m,
            **({"Nz": net.nz} if hasattr(net, "nz") else {})}


def build_package(net, model, weight_dtype="f16"):
    """Returns (manifest dict without uses/weights/provenance/validation, TensorWriter of the shared transforms
    and gain units, TensorWriter of the codec's own tensors)."""
    ws, w = TensorWriter(), TensorWriter()
    gains = net.gain
    manifest = {
        "format": "rdlab-model", "version": FORMAT_VERSION, "kind": "codec", "name": model, "architecture": model,
        "paper": PAPERS[model], "credits": COMMON_CREDITS,
        "channels": channels_of(net),
        "downsampling": net.downsampling,
        "input": {"color": "RGB", "range": [0, 1], "layout": "CHW", "pad": "replicate right/bottom to a multiple of downsampling"},
        "rate": {
            "parameter": "t", "range": [0.0, 1.0], "default": 0.5,
            "lambda": dict(zip(("min", "max"), lambda_range(net)), spacing="log", loss="lambda*255^2*MSE + bpp"),
            "anchors": gains.levels,
            "gain": ws.add("gain", np.exp(t2n(gains.log_gain)), "f32"),
            "inv_gain": ws.add("inv_gain", np.exp(t2n(gains.log_inv_gain)), "f32"),
            "interpolation": "pos = t*(anchors-1); i = min(floor(pos), anchors-2); f = pos-i; "
                             "g = exp(log(G[i])*(1-f) + log(G[i+1])*f)",
        },
        "transforms": {
            "analysis": export_sequential(net.g_a, ws, weight_dtype, "g_a"),
            "synthesis": export_sequential(net.g_s, ws, weight_dtype, "g_s"),
        },
        "weight_dtype": weight_dtype,
    }
    ent = {"precision": et.PRECISION}
    if isinstance(net, Factorized):
        ent["y"] = et.factorized_tables(net.density, w, "y")
    else:
        seq = list(net.h_a)
        ha_ops = export_sequential(torch.nn.Sequential(*seq), w, weight_dtype, "h_a")
        if not isinstance(net, MeanScale):
            ha_ops = [{"op": "abs"}] + ha_ops
        manifest["transforms"]["hyper_analysis"] = ha_ops
        manifest["transforms"]["hyper_synthesis_int"] = [
            iconv_entry(w, net.h_s.c1, "h_s.c1"), {"op": "depth_to_space", "block": 2},
            iconv_entry(w, net.h_s.c2, "h_s.c2"), {"op": "depth_to_space", "block": 2},
        ]
        manifest["transforms"]["scale_index_int"] = [iconv_entry(w, net.scale_head, "h_s.scale")]
        if isinstance(net, MeanScale):
            manifest["transforms"]["means"] = [{"op": "int_to_float", "scale": 1.0 / FEATURE_SCALE}] + \
                export_sequential(net.mean_head, w, weight_dtype, "h_s.mean")
        if isinstance(net, Checkerboard):  # pass 2's context conv and heads over concat(features, ctx)
            manifest["transforms"]["context_int"] = [checkerboard_entry(w, net.context, "ctx.context")]
            manifest["transforms"]["context_index_int"] = [iconv_entry(w, net.ctx_scale_head, "ctx.scale")]
            manifest["transforms"]["context_means"] = [{"op": "int_to_float", "scale": 1.0 / FEATURE_SCALE}] + \
                export_sequential(net.ctx_mean_head, w, weight_dtype, "ctx.mean")
            manifest["checkerboard"] = {
                "anchor": "(row + column) even",
                "passes": "pass 1 codes the anchors with the hyper-prior's index and means; pass 2 the others with "
                          "context_index_int and context_means over concat(features, ctx), ctx = context_int(symbols)",
                "context_channels": net.c_ctx,
                "context_input": f"clamp(anchor symbols, -{net.context.clip}, {net.context.clip})",
                "selftest": checkerboard_selftest(net, w),
            }
        manifest["integer_hyper_synthesis"] = {
            "input": f"z_hat: round(z) clamped to [-{Z_CLAMP}, {Z_CLAMP}], int32, CHW",
            "layer": "acc = bias + sum(weight*x) (int32, zero padding); out = clamp(trunc((acc + (divisor>>1)) / divisor), lo, hi)",
            "depth_to_space": "PyTorch PixelShuffle / ONNX DepthToSpace mode CRD: out[c,2h+i,2w+j] = in[4c+2i+j,h,w]",
            "feature_scale": FEATURE_SCALE,
            "output": "scale index in [0, 63], one per element of y (C-order CHW)",
        }
        # Known-answer vector: every runtime (TypeScript, WGSL, onnxruntime) must reproduce these exactly.
        from intnet import hyper_synthesis_int
        rng = np.random.default_rng(7)
        z_test = rng.integers(-12, 13, size=(net.nz, 2, 3)).astype(np.int64)
        z_test[:, 0, 0] = Z_CLAMP
        z_test[:, 1, 2] = -Z_CLAMP
        feats, idx = hyper_synthesis_int(z_test, int_hyper_layers(net))
        manifest["integer_hyper_synthesis"]["selftest"] = {
            "z_hat": w.add("selftest.z_hat", z_test, "i32"),
            "features": w.add("selftest.features", feats, "i8"),
            "index": w.add("selftest.index", idx, "i8"),
        }
        ent["z"] = et.factorized_tables(net.z_density, w, "z")
        ent["y"] = et.gaussian_tables(w, "y")
        ent["y"]["symbol"] = "round(y_g - mean)" if isinstance(net, MeanScale) else "round(y_g)"
    manifest["entropy"] = ent
    # The learned densities are not needed to decode (their tables are); they ship so training can resume.
    manifest["train_only"] = [w.add(k, t2n(v), "f32") for k, v in net.state_dict().items() if "density" in k]
    return manifest, ws, w


def weights_spec(w):
    """A manifest's "weights" entry for the blob of TensorWriter `w`: (spec, blob)."""
    blob = w.blob()
    return {"file": "weights.bin", "bytes": len(blob), "sha256": sha256(blob), "tensors": w.table}, blob


def writer_tensors(*writers):
    """{name: array} of the tensors in TensorWriters, as a reader sees them (package_io.tensors_from_blob)."""
    from package_io import tensors_from_blob
    out = {}
    for w in writers:
        out.update(tensors_from_blob(*weights_spec(w)))
    return out


def f16_check(net, model, manifest16, tensors16):
    """PSNR / bpp of the f16 package minus the f32 one, on 3 benchmark photos at t = 0, 0.5, 1."""
    import glob
    from eval import evaluate
    from train import BENCH
    files = sorted(glob.glob(os.path.join(BENCH, "photos", "*.png")))[:3]
    m32, ws32, w32 = build_package(net, model, "f32")
    ts = [0.0, 0.5, 1.0]
    r16 = evaluate(manifest16, tensors16, files, ts)
    r32 = evaluate(m32, writer_tensors(ws32, w32), files, ts)
    dp = [a - b for a, b in zip(r16["psnr-rgb"], r32["psnr-rgb"])]
    db = [(a - b) / b * 100 for a, b in zip(r16["bpp"], r32["bpp"])]
    return (f"PSNR difference (f16 − f32) {', '.join(f'{v:+.4f}' for v in dp)} dB, bpp difference "
            f"{', '.join(f'{v:+.3f}' for v in db)}% at t = 0, 0.5, 1 on 3 benchmark photos")


def software():
    """What exported it: the repository commit (with '+changes' when the tree was dirty) and the library versions."""
    import subprocess

    def git(*args):
        r = subprocess.run(["git", *args], cwd=HERE, capture_output=True, text=True)
        return r.stdout.strip() if r.returncode == 0 else ""
    commit = git("rev-parse", "HEAD") or "unknown"
    if git("status", "--porcelain", "--untracked-files=no", "--", "tools/train"):
        commit += "+changes"
    return {"commit": commit, "torch": torch.__version__, "numpy": np.__version__,
            "python": sys.version.split()[0]}


def data_text(a):
    """What the run's last train.py invocation trained on (its args)."""
    if a.get("scale") and a["scale"][0] > 0:
        return ("tools/train/fetch_data.py: 330 training photos (photos-v2's 285 `train` rows and 45 more from Debian "
                "packages, short side 768; tools/train/lists/), each crop's photo rescaled to a short side "
                f"log-uniform in {a['scale'][0]}–{a['scale'][1]} px; the 24 benchmark photos never trained on")
    return ("tools/train/fetch_data.py before 2026-12-06: 49 training photos from Debian packages, 2x area-downsampled; "
            "10 held-out validation photos")


def sha256(b):
    return hashlib.sha256(b).hexdigest()


def write_shared(net, ws, weight_dtype, models_dir=MODELS_DIR):
    """Writes the shared package of the transforms and gain units (TensorWriter `ws`) unless one with the same
    weights exists; returns the codec manifest's reference to it."""
    spec, blob = weights_spec(ws)
    name = "transforms-" + spec["sha256"][:8]
    out = os.path.join(models_dir, name)
    ref = {"name": name, "sha256": spec["sha256"], "bytes": spec["bytes"]}
    wpath = os.path.join(out, "weights.bin")
    if os.path.exists(wpath):
        with open(wpath, "rb") as f:
            if sha256(f.read()) != spec["sha256"]:
                raise SystemExit(f"[export] {wpath} exists with other bytes than its name says; remove it and export again")
        print(f"[export] {name}: the same transforms are already shipped; reusing them")
        return ref
    os.makedirs(out, exist_ok=True)
    shared = {"format": "rdlab-model", "version": FORMAT_VERSION, "kind": "shared", "name": name,
              "contents": "analysis and synthesis transforms (g_a, g_s) and gain units (gain, inv_gain), shared by the "
                          "codecs that list this package in \"uses\"",
              "channels": {"N": net.nt, "M": net.m}, "weight_dtype": weight_dtype, "weights": spec}
    with open(wpath, "wb") as f:
        f.write(blob)
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(shared, f, indent=1)
    print(f"[export] {out}: weights.bin {len(blob) / 1e6:.2f} MB sha256 {spec['sha256'][:16]}…")
    return ref


def write_package(net, model, models_dir, weight_dtype="f16", extra=None):
    """The codec package of `net` (and its shared transforms package) in models_dir, without a checkpoint's
    provenance: what the tests and the fixture scripts export. `extra`: more manifest keys. Returns the manifest."""
    manifest, ws, w = build_package(net, model, weight_dtype)
    out = os.path.join(models_dir, model)
    os.makedirs(out, exist_ok=True)
    manifest["uses"] = [write_shared(net, ws, weight_dtype, models_dir)]
    manifest["weights"], blob = weights_spec(w)
    manifest.update(extra or {})
    with open(os.path.join(out, "weights.bin"), "wb") as f:
        f.write(blob)
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    return manifest


def unused_shared(models_dir=MODELS_DIR):
    """Shared package folders no codec manifest lists in "uses" (left behind by a retrain: git rm -r them)."""
    used, shared = set(), []
    for d in sorted(os.listdir(models_dir)):
        try:
            with open(os.path.join(models_dir, d, "manifest.json")) as f:
                m = json.load(f)
        except (OSError, ValueError):
            continue
        if m.get("kind") == "shared":
            shared.append(d)
        used.update(u["name"] for u in m.get("uses", []))
    return [d for d in shared if d not in used]


def join_ranges(ranges):
    """[{from_step, to_step}] with ranges that continue one another (a run resumed with the same setting) joined."""
    out = []
    for r in ranges:
        if out and out[-1]["to_step"] == r["from_step"]:
            out[-1] = {"from_step": out[-1]["from_step"], "to_step": r["to_step"]}
        else:
            out.append(dict(r))
    return out


def phase_args(a):
    """The train.py options of a run that replay.py needs besides the lr (batch, crop, photo scale, EMA)."""
    out = {"batch": a["batch"], "crop": a["crop"]}
    if a.get("scale") and a["scale"][0] > 0:
        out["scale"] = list(a["scale"])
    if a.get("ema"):
        out["ema"] = a["ema"]
    return out


def lr_phases(log_path, warmup=300, opt_from=0):
    """The learning-rate history of a run from its log.csv, as phases [{from_step, to_step, lr_start, lr_end}]:
    a new phase starts where the logged lr rises by more than 3 % between rows or falls by more than 30 % (a
    restart with another --lr), so a geometric --lr-end decay stays one phase (4000 steps from 1.5e-4 to 1e-5 fall
    3.3 % per 50-step row). Warm-up rows are skipped."""
    if not os.path.exists(log_path):
        return []
    with open(log_path, newline="") as f:
        rows = [(int(r["step"]), float(r["lr"])) for r in csv.DictReader(f) if r.get("lr")]
    phases = []
    for step, lr in rows:
        if not phases and step - opt_from <= warmup:
            continue
        if phases and 0.7 <= lr / phases[-1]["lr_end"] <= 1.03:  # same phase (also across a resume)
            phases[-1].update(to_step=max(step, phases[-1]["to_step"]), lr_end=lr)
        else:
            phases.append({"from_step": max(0, step - 50), "to_step": step, "lr_start": lr, "lr_end": lr})  # rows every 50 steps
    for ph in phases:
        ph["lr_start"], ph["lr_end"] = float(f"{ph['lr_start']:.3g}"), float(f"{ph['lr_end']:.3g}")
    return phases


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", choices=list(MODELS), required=True)
    ap.add_argument("--ckpt")
    ap.add_argument("--weight-dtype", choices=["f16", "f32"], default="f16")
    ap.add_argument("--f16-check", action="store_true", help="measure f16 vs f32 weights on 3 benchmark photos")
    ap.add_argument("--models-dir", default=MODELS_DIR, help="where the packages go (default public/models); another "
                    "folder makes a candidate for `npm run benchmark -- --models DIR` (the run's logs are then not "
                    "copied to tools/train/logs)")
    args = ap.parse_args()
    candidate = os.path.abspath(args.models_dir) != os.path.abspath(MODELS_DIR)
    ckpt = args.ckpt or os.path.join(HERE, "runs", args.model, "ckpt.pt")
    net, ck = load_checkpoint(args.model, ckpt)
    manifest, ws, w = build_package(net, args.model, args.weight_dtype)
    out = os.path.join(args.models_dir, args.model)
    os.makedirs(out, exist_ok=True)
    manifest["uses"] = [write_shared(net, ws, args.weight_dtype, args.models_dir)]
    manifest["weights"], blob = weights_spec(w)
    a = ck["args"]
    # --init-from is in the args of the run's first invocation only; the checkpoint keeps it (path from tools/train)
    init_from = (ck.get("init") or {}).get("from") or a.get("init_from")
    fits = ck.get("density_fits") or []
    # a run that began as fit_density.py --init-from (a hyperprior on copied transforms, perhaps continued by
    # further fits) starts with those commands
    first = run_fits(fits)
    prepare = " && ".join(fit_command(args.model, f) for f in first) or None
    manifest["provenance"] = {
        "data": data_text(a),
        "steps": ck["step"], "batch": a["batch"], "crop": a["crop"], "lr": a["lr"],
        "cpu_hours": round(ck.get("cpu_s", 0) / 3600, 2), "wall_hours": round(ck.get("wall_s", 0) / 3600, 2),
        "lr_phases": [{**ph, **phase_args(a)} for ph in
                      lr_phases(os.path.join(os.path.dirname(ckpt), "log.csv"), a.get("warmup", 300), ck.get("opt_from", 0))],
        "lambda_range": lambda_range(net), "exported": datetime.date.today().isoformat(),
        "software": software(),
        "command": f"python3 tools/train/train.py --model {args.model} --n {a['n']} --m {a['m']} --nz {a['nz']}"
                   + (f" --init-from {repo_path(init_from)}" if init_from and not prepare else ""),
    }
    if only_fits(ck):  # no train.py steps after the fits: they are the whole recipe
        manifest["provenance"]["command"] = prepare
    elif prepare:
        manifest["provenance"]["prepare"] = prepare
    if fits:  # fit_density.py: entropy models fitted with the transforms frozen
        manifest["provenance"]["density_fits"] = fits
    if ck.get("bf16_steps"):  # train.py --bf16: transforms' inner layers in bfloat16 autocast for these steps
        manifest["provenance"]["bf16_steps"] = join_ranges(ck["bf16_steps"])
    if ck.get("bursts"):  # GPU training in this model's history (train.py on CUDA, tools/train/gpu_burst.sh)
        manifest["provenance"]["gpu_bursts"] = ck["bursts"]
    prior = (ck.get("init") or {}).get("provenance")  # set only when the run continued the committed package
    if prior:  # this run continued the committed package: its steps/CPU-hours already count, its history goes first
        prov = manifest["provenance"]
        prov["lr_phases"] = prior.get("lr_phases", []) + prov["lr_phases"]
        prov["resumed"] = (prior.get("resumed", []) +
                           [{"from_step": prior.get("steps", 0), "exported": prior.get("exported"),
                             "note": "continued from the committed package (weights only; fresh optimizer)"}])
        if prior.get("density_fits"):
            prov["density_fits"] = prior["density_fits"] + prov.get("density_fits", [])
        for k in ("command", "prepare", "initialised_from", "note"):
            if k in prior:
                prov[k] = prior[k]
    elif init_from:
        init = ck.get("init") or {"from": init_from}
        manifest["provenance"]["initialised_from"] = init
        manifest["provenance"]["note"] = ("Transforms initialised from another run's checkpoint" +
                                          (f" at step {init['step']} ({init['cpu_s'] / 3600:.2f} CPU-hours)" if init.get("step") else "") +
                                          "; steps and CPU-hours above count this run only.")
    if args.f16_check and args.weight_dtype == "f16":
        manifest["f16_check"] = f16_check(net, args.model, manifest, writer_tensors(ws, w))
        print(f"[export] f16 check: {manifest['f16_check']}")
    with open(os.path.join(out, "weights.bin"), "wb") as f:
        f.write(blob)
    from package_io import copy_logs, model_hash
    if not candidate:
        copy_logs(os.path.dirname(ckpt), os.path.join(HERE, "logs", args.model))  # small CSVs, committed beside the code
    old = os.path.join(out, "manifest.json")
    if os.path.exists(old):  # keep the validation table of the previous eval until eval.py replaces it
        with open(old) as f:
            prev = json.load(f)
        if "validation" in prev and prev.get("weights") and model_hash(prev) == model_hash(manifest):
            manifest["validation"] = prev["validation"]
    with open(old, "w") as f:
        json.dump(manifest, f, indent=1)
    print(f"[export] {out}: weights.bin {len(blob)/1e6:.2f} MB sha256 {manifest['weights']['sha256'][:16]}…, "
          f"uses {manifest['uses'][0]['name']}; model hash {model_hash(manifest)[:16]}…")
    for d in unused_shared(args.models_dir):
        print(f"[export] no codec uses {os.path.join(args.models_dir, d)} any more: git rm -r it (npm test fails on it)")


if __name__ == "__main__":
    main()
