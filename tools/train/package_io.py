"""Read a model package (public/models/<name>/, docs/model-package.md) back into Python:
- `read_package(dir)` -> (manifest, {tensor name: numpy array}): the codec's own tensors and those of the shared
  packages it uses (public/models/<shared>/, e.g. the transforms), verifying every SHA-256 on the way;
- `model_hash(manifest)` -> the container's model hash (hex), from the SHA-256s the manifest lists;
- `torch_model_from_package(manifest, tensors)` -> the PyTorch model with the shipped float weights, used by
  eval.py (what ships is what is measured) and by train.py to resume from committed weights.
"""
import hashlib
import json
import math
import os
import re
import shutil

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS_DIR = os.path.join(os.path.dirname(os.path.dirname(HERE)), "public", "models")
DTYPES = {"f32": "<f4", "f16": "<f2", "i8": "i1", "i32": "<i4"}
FORMAT_VERSION = 2
MAX_PACKAGE_BYTES = 12_000_000  # a package folder's budget = the readers' limit on one weights file
PACKAGE_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


class PackageError(ValueError):
    """A package that cannot be used: `kind` is manifest, weights, hash or reference (as package.ts)."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


def _read_manifest(path, kind):
    try:
        with open(os.path.join(path, "manifest.json")) as f:
            m = json.load(f)
    except (OSError, ValueError) as e:
        raise PackageError("reference" if kind == "shared" else "manifest", f"cannot read {path}/manifest.json: {e}") from e
    if m.get("format") != "rdlab-model" or m.get("version") != FORMAT_VERSION:
        raise PackageError("manifest", f"{path}/manifest.json: format {m.get('format')!r} version {m.get('version')!r} is not "
                           f"supported (this reader reads rdlab-model version {FORMAT_VERSION}; docs/model-package.md)")
    if m.get("kind") != kind:
        raise PackageError("manifest", f"{path}/manifest.json: kind {m.get('kind')!r}, expected {kind!r}")
    return m


def _read_weights(path, spec):
    """A weights file, its length checked before reading and its SHA-256 after."""
    f = os.path.join(path, spec["file"])
    if not 0 <= spec["bytes"] <= MAX_PACKAGE_BYTES:
        raise PackageError("manifest", f"{f}: {spec['bytes']} bytes is over the {MAX_PACKAGE_BYTES}-byte package limit")
    size = os.path.getsize(f)
    if size != spec["bytes"]:
        raise PackageError("weights", f"{f} has {size} bytes, the manifest says {spec['bytes']}")
    with open(f, "rb") as fh:
        blob = fh.read()
    if hashlib.sha256(blob).hexdigest() != spec["sha256"]:
        raise PackageError("hash", f"{f} does not match the manifest's sha256")
    return blob


def read_package(path):
    """(manifest, {name: array}) of the codec package in `path` and the shared packages it uses (`uses`)."""
    manifest = _read_manifest(path, "codec")
    tensors = {}
    for ref in manifest.get("uses", []):
        if not PACKAGE_NAME.fullmatch(ref.get("name", "")):
            raise PackageError("manifest", f"{path}: uses names {ref.get('name')!r}, not a package name")
        spath = os.path.join(os.path.dirname(os.path.abspath(path)), ref["name"])
        shared = _read_manifest(spath, "shared")
        if (shared["weights"]["sha256"], shared["weights"]["bytes"]) != (ref["sha256"], ref["bytes"]):
            raise PackageError("reference", f"{path} uses {ref['name']} with weights sha256 {ref['sha256']}, but "
                               f"{spath} describes {shared['weights']['sha256']}: another version of the shared package")
        for k, v in tensors_from_blob(shared["weights"], _read_weights(spath, shared["weights"])).items():
            if k in tensors:
                raise PackageError("manifest", f"tensor {k} is in two packages")
            tensors[k] = v
    own = tensors_from_blob(manifest["weights"], _read_weights(path, manifest["weights"]))
    if own.keys() & tensors.keys():
        raise PackageError("manifest", f"tensors {sorted(own.keys() & tensors.keys())} are in {path} and a shared package")
    tensors.update(own)
    return manifest, tensors


def model_hash(manifest):
    """SHA-256 (hex) of the used packages' weights SHA-256s (32 bytes each, `uses` order), then the codec's own."""
    parts = [u["sha256"] for u in manifest.get("uses", [])] + [manifest["weights"]["sha256"]]
    return hashlib.sha256(b"".join(bytes.fromhex(h) for h in parts)).hexdigest()


def tensors_from_blob(weights, blob):
    """{name: array} of one weights file described by a manifest's `weights` (SHA-256 verified)."""
    if hashlib.sha256(blob).hexdigest() != weights["sha256"]:
        raise PackageError("hash", f"{weights['file']} does not match the manifest's sha256")
    out = {}
    for t in weights["tensors"]:
        if t["offset"] + t["bytes"] > len(blob):
            raise PackageError("manifest", f"tensor {t['name']} lies outside {weights['file']}")
        a = np.frombuffer(blob, dtype=DTYPES[t["dtype"]], count=int(np.prod(t["shape"])) if t["shape"] else 1,
                          offset=t["offset"])
        out[t["name"]] = a.reshape(t["shape"])
    return out


def _set_conv(conv, op, T):
    conv.weight.data = torch.from_numpy(T[op["weight"]].astype(np.float32)).reshape(conv.weight.shape)
    conv.bias.data = torch.from_numpy(T[op["bias"]].astype(np.float32))


def _load_sequential(seq, ops, T):
    from layers import GDN, SubpelConv
    ops = [o for o in ops if o["op"] not in ("depth_to_space", "abs", "int_to_float")]
    k = 0
    for layer in seq:
        if isinstance(layer, torch.nn.LeakyReLU):
            k += 1
            continue
        op = ops[k]
        k += 1
        if isinstance(layer, SubpelConv):
            _set_conv(layer.conv, op, T)
        elif isinstance(layer, torch.nn.Conv2d):
            _set_conv(layer, op, T)
        elif isinstance(layer, GDN):
            beta = torch.from_numpy(T[op["beta"]].astype(np.float64))
            gamma = torch.from_numpy(T[op["gamma"]].astype(np.float64))
            layer.beta.data = torch.sqrt(torch.clamp(beta, min=0) + GDN.PEDESTAL).float()
            layer.gamma.data = torch.sqrt(torch.clamp(gamma, min=0) + GDN.PEDESTAL).float()


def _load_int(layer, op, T):
    """Float weights that reproduce the shipped integer layer (W = W_int / c * s_in / s_out) with the shipped
    divisors kept (layer.fixed_divisor), so that layer.integer_params() gives back exactly the package's integers
    (checked here; without the kept divisor a reloaded layer could pick another c and other integers)."""
    w = T[op["weight"]].astype(np.float64)
    b = T[op["bias"]].astype(np.float64)
    c = T[op["divisor"]].astype(np.float64)
    layer.conv.weight.data = torch.from_numpy(w / c[:, None, None, None] * layer.s_in / layer.s_out).float()
    layer.conv.bias.data = torch.from_numpy(b / c / layer.s_out).float()
    layer.fixed_divisor = torch.from_numpy(c).float()
    with torch.no_grad():
        got = [np.rint(t.double().numpy()).astype(np.int64) for t in layer.integer_params()]
    for name, a, want in zip(("weight", "bias", "divisor"), got, (w, b, c)):
        if not np.array_equal(a, want.astype(np.int64).reshape(a.shape)):
            raise PackageError("manifest", f"{op[name]}: the float weights do not give back the package's integers")


def int_layers(manifest, T):
    hs = [o for o in manifest["transforms"]["hyper_synthesis_int"] if o["op"] == "iconv2d"]
    sc = manifest["transforms"]["scale_index_int"][0]

    def L(op):
        return (T[op["weight"]].astype(np.int64), T[op["bias"]].astype(np.int64), T[op["divisor"]].astype(np.int64),
                op["lo"], op["hi"])
    return {"c1": L(hs[0]), "c2": L(hs[1]), "scale": L(sc)}


def checkerboard_layers(manifest, T):
    """The checkerboard context's integer layers as intnet.checkerboard_index reads them: 'context' ->
    (W, B, c, lo, hi, clip), 'index' -> (W, B, c, lo, hi)."""
    tr = manifest["transforms"]
    ctx, head = tr["context_int"][0], tr["context_index_int"][0]

    def L(op):
        return (T[op["weight"]].astype(np.int64), T[op["bias"]].astype(np.int64), T[op["divisor"]].astype(np.int64),
                op["lo"], op["hi"])
    return {"context": (*L(ctx), ctx["clip"]), "index": L(head)}


def torch_model_from_package(manifest, T):
    from models import MODELS
    ch = manifest["channels"]
    nt = ch.get("Nt", ch["N"])  # the transforms' inner width (widen.py --nt); N when the codec has one width
    arch = manifest["architecture"]
    cls = MODELS[arch]
    if arch == "factorized":
        net = cls(ch["N"], ch["M"], nt=nt)
    elif arch == "checkerboard":
        net = cls(ch["N"], ch["M"], ch["Nz"], manifest["checkerboard"]["context_channels"], nt=nt)
    else:
        net = cls(ch["N"], ch["M"], ch["Nz"], nt=nt)
    net.set_levels(manifest["rate"]["anchors"])  # anchors above LAMBDA_MAX (widen.py --levels)
    tr = manifest["transforms"]
    _load_sequential(net.g_a, tr["analysis"], T)
    _load_sequential(net.g_s, tr["synthesis"], T)
    net.gain.log_gain.data = torch.from_numpy(np.log(T[manifest["rate"]["gain"]].astype(np.float64))).float()
    net.gain.log_inv_gain.data = torch.from_numpy(np.log(T[manifest["rate"]["inv_gain"]].astype(np.float64))).float()
    if "hyper_analysis" in tr:
        _load_sequential(net.h_a, tr["hyper_analysis"], T)
        hs = [o for o in tr["hyper_synthesis_int"] if o["op"] == "iconv2d"]
        _load_int(net.h_s.c1, hs[0], T)
        _load_int(net.h_s.c2, hs[1], T)
        _load_int(net.scale_head, tr["scale_index_int"][0], T)
        if "means" in tr:
            _load_sequential(net.mean_head, tr["means"], T)
        if "context_int" in tr:  # checkerboard: the context conv and the pass-2 heads over concat(features, ctx)
            _load_int(net.context, tr["context_int"][0], T)
            _load_int(net.ctx_scale_head, tr["context_index_int"][0], T)
            _load_sequential(net.ctx_mean_head, tr["context_means"], T)
    net.eval()
    return net


def copy_logs(src_dir, dst_dir, overwrite=True):
    """Copy a run's log.csv / val.csv between a run folder and tools/train/logs/<model>. Overwriting (export),
    dst_dir ends up with exactly the run's logs: one the run has not (a fit has no val.csv) is removed there, so
    no earlier run's validation stays beside the new package's log."""
    for fn in ("log.csv", "val.csv"):
        src, dst = os.path.join(src_dir, fn), os.path.join(dst_dir, fn)
        if os.path.exists(src) and (overwrite or not os.path.exists(dst)):
            os.makedirs(dst_dir, exist_ok=True)
            shutil.copyfile(src, dst)
        elif overwrite and not os.path.exists(src) and os.path.exists(dst):
            os.remove(dst)


def load_package_into(net, name, path=None):
    """Resume training from the committed package: copies every shipped weight into `net` (including the
    learned densities' parameters, stored as train_only tensors). Returns the package's provenance (without the
    validation table), or None when there is no package."""
    path = path or os.path.join(MODELS_DIR, name)
    if not os.path.exists(os.path.join(path, "manifest.json")):
        return None
    manifest, T = read_package(path)
    src = torch_model_from_package(manifest, T)
    net.set_levels(src.gain.levels)  # the package's rate anchors (widen.py --levels)
    own = net.state_dict()
    for k, v in src.state_dict().items():
        if k in own and own[k].shape == v.shape:
            own[k] = v
    for k in manifest.get("train_only", []):
        if k in own:
            v = torch.from_numpy(T[k].astype(np.float32))
            # a package from before the per-level densities: net.load_state_dict widens it (models.Factorized)
            own[k] = v.reshape(own[k].shape) if v.numel() == own[k].numel() else v
    net.load_state_dict(own)
    return {k: v for k, v in manifest.get("provenance", {}).items() if k != "validation"}


def checkpoint_from_package(path, model_name):
    """A weights-only checkpoint (train.py's layout: model, step, cpu_s, wall_s, args, init, history) of the
    package at `path`, built as `load_package_into` continues it, so that widen.py can start from what is
    committed when runs/ holds no checkpoint (a fresh clone)."""
    from train import build
    manifest, _ = read_package(path)
    ch = manifest["channels"]
    net = build(model_name, ch["N"], ch["M"], ch.get("Nz", 64), ch.get("Nt", ch["N"]))
    prov = load_package_into(net, model_name, path)
    if prov is None:
        raise PackageError("manifest", f"no package at {path}")
    return {"model": net.state_dict(), "step": prov.get("steps", 0), "cpu_s": prov.get("cpu_hours", 0) * 3600,
            "wall_s": prov.get("wall_hours", 0) * 3600, "bursts": prov.get("gpu_bursts", []),
            "bf16_steps": prov.get("bf16_steps", []),
            "args": {"n": ch["N"], "m": ch["M"], "nz": ch.get("Nz", 64), "nt": ch.get("Nt", ch["N"])},
            "init": {"package": model_name, "provenance": prov}}


def interp_gain(table, t):
    """The manifest's gain interpolation, float64."""
    levels = table.shape[0]
    pos = t * (levels - 1)
    i = min(int(math.floor(pos)), levels - 2)
    f = pos - i
    return np.exp(np.log(table[i].astype(np.float64)) * (1 - f) + np.log(table[i + 1].astype(np.float64)) * f)
