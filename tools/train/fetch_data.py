#!/usr/bin/env python3
"""Fetch RD Lab's training photos from Debian packages, downsample 2x by area averaging, split train/val.

Reads ../shared/data/training-photos.tsv (package, path in package, size, license) relative to the repo root,
or --list. For each package: `apt-get download PKG` + `dpkg-deb -x` into a temporary folder (nothing is
installed system-wide), then every listed photo is converted to RGB, downsampled 2x by area averaging (this
hides the wallpapers' own JPEG artefacts) and written as PNG to tools/train/data/{train,val}/.
Writes tools/train/data/ATTRIBUTION.tsv (photo, package, path, license, split).

The validation split is fixed (VAL below): photos never trained on; every reported number uses them.
The photos are not committed (several are copyleft); this script recreates them on any Debian machine.
"""
import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image, ImageOps

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

# Fixed validation split: 10 photos across all sources, chosen for variety (foliage, sky, faces, texture,
# flat art). Never used for training.
VAL = {
    "plasma-workspace-wallpapers:/usr/share/wallpapers/ColorfulCups/contents/images/2560x1600.jpg",
    "plasma-workspace-wallpapers:/usr/share/wallpapers/Kite/contents/images/2560x1600.jpg",
    "mate-backgrounds:/usr/share/backgrounds/mate/nature/LadyBird.jpg",
    "mate-backgrounds:/usr/share/backgrounds/mate/nature/Wood.jpg",
    "lxqt-themes:/usr/share/lxqt/wallpapers/after-the-rain.jpg",
    "lomiri-wallpapers-16.04:/usr/share/backgrounds/Dragonfly_by_Bolly.jpg",
    "lomiri-wallpapers-16.04:/usr/share/backgrounds/sunset_by_Aitzol_Berasategi.jpg",
    "python3-skimage:/usr/lib/python3/dist-packages/skimage/data/coffee.png",
    "python-matplotlib-data:/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg",
    "libjxl-testdata:/usr/share/libjxl-testdata/external/wesaturate/500px/tmshre_riaphotographs_srgb8.png",
}


def photo_name(pkg, path):
    base = os.path.splitext(os.path.basename(path))[0]
    if base in ("2560x1600",):  # KDE wallpapers: the folder carries the name
        base = path.split("/")[-4]
    return f"{pkg}__{base}".replace(" ", "_")


def downsample2(img):
    """2x area average (box filter over 2x2 blocks) in float, rounded back to 8 bit."""
    a = np.asarray(img, dtype=np.float64)
    h, w = (a.shape[0] // 2) * 2, (a.shape[1] // 2) * 2
    a = a[:h, :w]
    a = a.reshape(h // 2, 2, w // 2, 2, 3).mean(axis=(1, 3))
    return Image.fromarray(np.clip(np.rint(a), 0, 255).astype(np.uint8))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--list", default=os.path.join(REPO, "..", "shared", "data", "training-photos.tsv"))
    ap.add_argument("--out", default=os.path.join(HERE, "data"))
    ap.add_argument("--no-downsample", action="store_true", help="keep full resolution (small photos only)")
    args = ap.parse_args()

    with open(args.list, newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    by_pkg = {}
    for r in rows:
        by_pkg.setdefault(r["package"], []).append(r)
    for split in ("train", "val"):
        os.makedirs(os.path.join(args.out, split), exist_ok=True)

    attribution = []
    with tempfile.TemporaryDirectory() as tmp:
        for pkg, items in by_pkg.items():
            todo = [r for r in items if not any(
                os.path.exists(os.path.join(args.out, s, photo_name(pkg, r["path_in_package"]) + ".png"))
                for s in ("train", "val"))]
            if todo:
                d = os.path.join(tmp, pkg)
                os.makedirs(d)
                print(f"[fetch] {pkg}: apt-get download ({len(todo)} photos)", flush=True)
                subprocess.run(["apt-get", "download", pkg], cwd=d, check=True, stdout=subprocess.DEVNULL)
                deb = [x for x in os.listdir(d) if x.endswith(".deb")][0]
                subprocess.run(["dpkg-deb", "-x", deb, "root"], cwd=d, check=True)
            for r in items:
                path = r["path_in_package"]
                key = f"{pkg}:{path}"
                split = "val" if key in VAL else "train"
                name = photo_name(pkg, path)
                dst = os.path.join(args.out, split, name + ".png")
                if not os.path.exists(dst):
                    src = os.path.join(tmp, pkg, "root", path.lstrip("/"))
                    img = ImageOps.exif_transpose(Image.open(src)).convert("RGB")
                    small_source = min(img.size) < 700  # skimage/matplotlib/wesaturate: already small
                    if not args.no_downsample and not small_source:
                        img = downsample2(img)
                    img.save(dst, optimize=False)
                    print(f"[fetch] {split}: {name} {img.size[0]}x{img.size[1]}", flush=True)
                attribution.append((name, pkg, path, r["license"], split))
            shutil.rmtree(os.path.join(tmp, pkg), ignore_errors=True)

    with open(os.path.join(args.out, "ATTRIBUTION.tsv"), "w") as f:
        f.write("photo\tpackage\tpath_in_package\tlicense\tsplit\n")
        for a in attribution:
            f.write("\t".join(a) + "\n")
    n_val = sum(1 for a in attribution if a[4] == "val")
    print(f"[fetch] done: {len(attribution) - n_val} train, {n_val} val -> {args.out}")
    if n_val < 8:
        sys.exit("validation split has fewer than 8 photos")


if __name__ == "__main__":
    main()
