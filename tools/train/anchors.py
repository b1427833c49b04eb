"""Classical-codec anchors on the validation photos: JPEG (Pillow/libjpeg-turbo, 4:2:0) and WebP (Pillow's
libwebp, method 6), swept over their quality ranges. bpp = file bytes * 8 / pixels; PSNR (RGB) and MS-SSIM
per photo, averaged over photos at each quality setting (as CompressAI's eval does)."""
import io
import json
import os
import sys

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from data import DATA  # noqa: E402
from metrics import ms_ssim, psnr  # noqa: E402

JPEG_Q = [5, 10, 15, 20, 30, 40, 50, 60, 70, 80, 90, 95]
WEBP_Q = [0, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95]


def encode(img, codec, q):
    buf = io.BytesIO()
    if codec == "jpeg":
        img.save(buf, format="JPEG", quality=q, subsampling=2, optimize=True)
    else:
        img.save(buf, format="WEBP", quality=q, method=6)
    data = buf.getvalue()
    return data, np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def sweep(codec, files):
    qs = JPEG_Q if codec == "jpeg" else WEBP_Q
    out = {"name": f"{codec} (Pillow{', 4:2:0' if codec == 'jpeg' else ', method 6'})", "quality": qs,
           "results": {"bpp": [], "psnr-rgb": [], "ms-ssim-rgb": []}}
    imgs = [Image.open(f).convert("RGB") for f in files]
    for q in qs:
        b, p, m = [], [], []
        for img in imgs:
            data, dec = encode(img, codec, q)
            ref = np.asarray(img)
            b.append(len(data) * 8 / (ref.shape[0] * ref.shape[1]))
            p.append(psnr(ref, dec))
            m.append(ms_ssim(ref, dec))
        out["results"]["bpp"].append(float(np.mean(b)))
        out["results"]["psnr-rgb"].append(float(np.mean(p)))
        out["results"]["ms-ssim-rgb"].append(float(np.mean(m)))
        print(f"[anchors] {codec} q={q}: {np.mean(b):.4f} bpp {np.mean(p):.2f} dB ms-ssim {np.mean(m):.4f}", flush=True)
    return out


def load_or_compute(cache=os.path.join(HERE, "runs", "anchors.json")):
    import glob
    files = sorted(glob.glob(os.path.join(DATA, "val", "*.png")))
    key = [os.path.basename(f) for f in files]
    if os.path.exists(cache):
        with open(cache) as f:
            c = json.load(f)
        if c.get("files") == key:
            return c
    c = {"files": key, "jpeg": sweep("jpeg", files), "webp": sweep("webp", files)}
    os.makedirs(os.path.dirname(cache), exist_ok=True)
    with open(cache, "w") as f:
        json.dump(c, f, indent=1)
    return c


if __name__ == "__main__":
    load_or_compute()
